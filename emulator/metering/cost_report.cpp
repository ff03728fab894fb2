#include "emulator/metering/cost_report.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <tuple>

#include "emulator/base/time.h"

namespace bf {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr double kGB = 1024.0 * 1024.0 * 1024.0;

struct LineKey {
  std::string usage_type, operation, resource;
  auto operator<=>(const LineKey&) const = default;
};

// Usage over the period per line, and per calendar month (for the monthly free tier).
struct Usage {
  std::map<LineKey, double> lines;
  std::map<std::tuple<std::int64_t, std::string, std::string>, double> months;  // (month, type, op)

  void add(std::int64_t month, const LineKey& key, double quantity) {
    lines[key] += quantity;
    months[{month, key.usage_type, key.operation}] += quantity;
  }
};

std::int64_t month_of(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

// Level usage is kept in quantity-hours; the table prices it per month (GB-Mo, object-months).
double in_price_unit(const std::string& unit, double quantity, std::int64_t day_ms) {
  if (unit == "GB-Mo") return quantity / kGB / hours_in_month(day_ms);
  if (unit == "Objects") return quantity / hours_in_month(day_ms);
  return quantity;
}

// The unit of a usage type the table does not price, so it still reads right.
std::string unpriced_unit(const std::string& usage_type) {
  if (usage_type.starts_with("TimedStorage-") || usage_type.starts_with("EarlyDelete-")) return "GB-Mo";
  if (usage_type.starts_with("Monitoring-")) return "Objects";
  return "";
}

std::string service_of_resource(const std::string& resource) {
  if (resource.starts_with("arn:aws:lambda:")) return "AWSLambda";
  if (resource.starts_with("arn:aws:apigateway:")) return "AmazonApiGateway";
  return "AmazonS3";
}

// The same usage had every object stayed in STANDARD: its bytes in STANDARD's storage, its
// requests at STANDARD's tiers; what only other classes cost (minimum sizes, archive
// overheads, early deletes, monitoring, retrievals, restores, transitions) is not there.
std::optional<std::pair<std::string, std::string>> as_standard(const std::string& usage_type,
                                                               const std::string& operation) {
  static const std::map<std::string, std::string> storage = {
      {"TimedStorage-ByteHrs", "StandardStorage"},
      {"TimedStorage-RRS-ByteHrs", "ReducedRedundancyStorage"},
      {"TimedStorage-SIA-ByteHrs", "StandardIAStorage"},
      {"TimedStorage-ZIA-ByteHrs", "OneZoneIAStorage"},
      {"TimedStorage-GIR-ByteHrs", "GlacierInstantRetrievalStorage"},
      {"TimedStorage-GlacierByteHrs", "GlacierStorage"},
      {"TimedStorage-GDA-ByteHrs", "DeepArchiveStorage"},
      {"TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage"},
      {"TimedStorage-INT-IA-ByteHrs", "IntelligentTieringIAStorage"},
      {"TimedStorage-INT-AIA-ByteHrs", "IntelligentTieringAIAStorage"},
      {"TimedStorage-INT-AA-ByteHrs", "IntelligentTieringAAStorage"},
      {"TimedStorage-INT-DAA-ByteHrs", "IntelligentTieringDAAStorage"},
  };
  if (auto it = storage.find(usage_type); it != storage.end())
    return it->second == operation ? std::optional(std::pair<std::string, std::string>{"TimedStorage-ByteHrs", "StandardStorage"})
                                   : std::nullopt;
  if (usage_type.starts_with("Requests-")) {
    const std::string tier = usage_type.substr(usage_type.rfind('-') + 1);
    if (tier == "Tier1" || tier == "Tier2") return std::pair<std::string, std::string>{"Requests-" + tier, operation};
    return std::nullopt;  // transitions and restores
  }
  if (usage_type.starts_with("TimedStorage-") || usage_type.starts_with("EarlyDelete-") ||
      usage_type.starts_with("Monitoring-") || usage_type.starts_with("Retrieval-") ||
      usage_type.ends_with("-Retrieval-Bytes"))
    return std::nullopt;
  return std::pair<std::string, std::string>{usage_type, operation};  // Lambda, API Gateway
}

struct Priced {
  Json lines = Json::array();
  double total = 0;
};

Priced price_usage(const Usage& usage, const PriceTable& prices, bool free_tier, double scale) {
  struct Line {
    Json json;
    double cost;
  };
  std::vector<Line> lines;
  for (const auto& [key, measured] : usage.lines) {
    const Price* price = prices.find(key.usage_type, key.operation);
    const double quantity = measured * scale;
    const double unit_price = price ? price->price : 0;
    Json line{{"service", price ? price->service : service_of_resource(key.resource)},
              {"usage_type", price ? prices.prefixed(*price) : key.usage_type},
              {"operation", key.operation},
              {"resource", key.resource},
              {"quantity", quantity},
              {"unit", price ? price->unit : unpriced_unit(key.usage_type)},
              {"unit_price", unit_price},
              {"cost", quantity * unit_price}};
    if (!price) line["unpriced"] = true;
    lines.push_back({std::move(line), quantity * unit_price});
  }
  if (free_tier) {
    // Each month's allowance comes off that month's usage of the type, whatever the resource.
    for (const auto& allowance : prices.free_tier) {
      // Per month: each month's usage up to the allowance.
      std::map<std::int64_t, double> by_month;
      for (const auto& [month_key, measured] : usage.months) {
        const auto& [month, type, operation] = month_key;
        if (type == allowance.usage_type && (allowance.operation == "*" || allowance.operation == operation))
          by_month[month] += measured * scale;
      }
      double credited = 0;
      for (const auto& [month, quantity] : by_month) credited += std::min(quantity, allowance.quantity);
      if (credited <= 0) continue;
      const Price* price = prices.find(allowance.usage_type, allowance.operation == "*" ? "" : allowance.operation);
      if (!price) continue;
      const double cost = -credited * price->price;
      lines.push_back({Json{{"service", price->service},
                            {"usage_type", prices.prefixed(*price)},
                            {"operation", allowance.operation == "*" ? std::string() : allowance.operation},
                            {"resource", ""},
                            {"description", "Free tier"},
                            {"quantity", -credited},
                            {"unit", price->unit},
                            {"unit_price", price->price},
                            {"cost", cost}},
                       cost});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.cost > b.cost; });
  Priced out;
  for (auto& l : lines) {
    out.total += l.cost;
    out.lines.push_back(std::move(l.json));
  }
  return out;
}

}  // namespace

double hours_in_month(std::int64_t ms) {
  const std::int64_t start = month_of(ms);
  const std::int64_t next = month_of(start + 32 * kDayMs);
  return static_cast<double>(next - start) / 3'600'000.0;
}

CostReporter::CostReporter(UsageStore& usage, UsageRecorder& recorder, const Clock& clock,
                           PriceTable prices, bool free_tier)
    : usage_(usage), recorder_(recorder), clock_(clock), prices_(std::move(prices)), free_tier_(free_tier) {}

Json CostReporter::report(const CostQuery& query) {
  recorder_.flush();  // the requests of the last second count too
  const std::int64_t now = clock_.now_ms();
  std::int64_t end = now;
  if (query.to_ms && *query.to_ms < now) {
    // A whole UTC day's end, so stored day totals and stored levels cover the same span.
    end = utc_day_of(*query.to_ms);
    if (end < *query.to_ms) end += kDayMs;
    end = std::min(end, now);
  }
  const std::vector<UsageRow> rows = usage_.usage_between(query.from_ms.value_or(0), end);
  const std::vector<UsageLevel> levels = usage_.levels();
  std::int64_t start = query.from_ms ? utc_day_of(*query.from_ms) : end;
  if (!query.from_ms) {
    for (const auto& r : rows) start = std::min(start, r.day_ms);
    for (const auto& l : levels) {
      if (l.quantity != 0) start = std::min(start, utc_day_of(l.since_ms));
      if (l.day_quantity != 0) start = std::min(start, l.day_ms);
    }
  }

  Usage actual, standard;
  auto add = [&](std::int64_t day, const std::string& type, const std::string& operation,
                 const std::string& resource, double quantity) {
    const Price* price = prices_.find(type, operation);
    const std::string unit = price ? price->unit : unpriced_unit(type);
    const double q = in_price_unit(unit, quantity, day);
    actual.add(month_of(day), {type, operation, resource}, q);
    if (auto s = as_standard(type, operation)) {
      const Price* sp = prices_.find(s->first, s->second);
      const double sq = in_price_unit(sp ? sp->unit : unit, quantity, day);
      standard.add(month_of(day), {s->first, s->second, resource}, sq);
    }
  };
  for (const auto& r : rows) add(r.day_ms, r.usage_type, r.operation, r.resource, r.quantity);
  // What the levels held on the day of their last change, and since then (not yet in the day
  // totals).
  for (const auto& l : levels) {
    if (l.day_quantity != 0 && l.day_ms >= start && l.day_ms < end)
      add(l.day_ms, l.usage_type, l.operation, l.resource, l.day_quantity);
    if (l.quantity == 0) continue;
    for_each_day(std::max(l.since_ms, start), end, [&](std::int64_t day, double hours) {
      add(day, l.usage_type, l.operation, l.resource, l.quantity * hours);
    });
  }

  const bool free_tier = query.free_tier.value_or(free_tier_);
  Priced priced = price_usage(actual, prices_, free_tier, query.scale);
  Priced all_standard = price_usage(standard, prices_, free_tier, query.scale);
  Json report{{"currency", prices_.currency},
              {"period", {{"start", iso8601_ms(start)}, {"end", iso8601_ms(end)}}},
              {"region", prices_.region},
              {"prices", {{"as_of", prices_.as_of}, {"source", prices_.source}, {"free_tier", free_tier}}}};
  if (query.scale != 1)
    report["estimate"] = {{"scale", query.scale},
                          {"note", "A projection: every measured quantity multiplied by the scale, not a run."}};
  report["lines"] = std::move(priced.lines);
  report["total"] = priced.total;
  report["all_standard"] = {{"total", all_standard.total},
                            {"difference", all_standard.total - priced.total},
                            {"lines", std::move(all_standard.lines)}};
  return report;
}

}  // namespace bf
