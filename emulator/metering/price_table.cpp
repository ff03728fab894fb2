#include "emulator/metering/price_table.h"

#include <algorithm>

#include "emulator/metering/embedded_prices.h"
#include "sdk/json.h"

namespace bf {

namespace {

// AWS's region billing codes (docs.aws.amazon.com/global-infrastructure/latest/regions/
// aws-region-billing-codes.html, and the S3 usage report guide for Europe and the Middle East).
const std::map<std::string, std::string>& billing_codes() {
  static const std::map<std::string, std::string> codes = {
      {"us-east-1", "USE1"},      {"us-east-2", "USE2"},      {"us-west-1", "USW1"},
      {"us-west-2", "USW2"},      {"ca-central-1", "CAN1"},   {"ca-west-1", "CAN2"},
      {"mx-central-1", "MXC1"},   {"af-south-1", "AFS1"},     {"ap-east-1", "APE1"},
      {"ap-east-2", "APE2"},      {"ap-northeast-1", "APN1"}, {"ap-northeast-2", "APN2"},
      {"ap-northeast-3", "APN3"}, {"ap-southeast-1", "APS1"}, {"ap-southeast-2", "APS2"},
      {"ap-south-1", "APS3"},     {"ap-southeast-3", "APS4"}, {"ap-south-2", "APS5"},
      {"ap-southeast-4", "APS6"}, {"ap-southeast-5", "APS7"}, {"ap-southeast-6", "APS8"},
      {"ap-southeast-7", "APS9"}, {"eu-west-1", "EU"},        {"eu-west-2", "EUW2"},
      {"eu-west-3", "EUW3"},      {"eu-central-1", "EUC1"},   {"eu-central-2", "EUC2"},
      {"eu-north-1", "EUN1"},     {"eu-south-1", "EUS1"},     {"eu-south-2", "EUS2"},
      {"me-south-1", "MES1"},     {"me-central-1", "MEC1"},   {"sa-east-1", "SAE1"},
  };
  return codes;
}

std::string text_of(const Json& j, const char* field) {
  return j.contains(field) && j[field].is_string() ? j[field].get<std::string>() : std::string();
}

}  // namespace

std::string region_billing_code(const std::string& region) {
  auto it = billing_codes().find(region);
  return it == billing_codes().end() ? std::string() : it->second;
}

const Price* PriceTable::find(const std::string& usage_type, const std::string& operation) const {
  const Price* any = nullptr;
  for (const auto& p : prices) {
    if (p.usage_type != usage_type) continue;
    if (p.operation == operation) return &p;
    if (p.operation == "*") any = &p;
  }
  return any;
}

std::string PriceTable::prefixed(const Price& price) const {
  auto it = prefixes.find(price.service);
  return (it == prefixes.end() ? std::string() : it->second) + price.usage_type;
}

std::variant<PriceTable, std::string> parse_price_table(const std::string& json_text) {
  const Json j = Json::parse(json_text, nullptr, false);
  if (!j.is_object()) return std::string("not a JSON object");
  PriceTable t;
  t.region = text_of(j, "region");
  t.currency = j.contains("currency") ? text_of(j, "currency") : "USD";
  t.as_of = text_of(j, "as_of");
  t.source = text_of(j, "source");
  if (t.region.empty()) return std::string("\"region\" is missing");
  if (j.contains("prefixes") && j["prefixes"].is_object())
    for (const auto& [service, prefix] : j["prefixes"].items())
      if (prefix.is_string()) t.prefixes[service] = prefix.get<std::string>();
  if (!j.contains("prices") || !j["prices"].is_array()) return std::string("\"prices\" must be a list");
  for (std::size_t i = 0; i < j["prices"].size(); ++i) {
    const Json& p = j["prices"][i];
    const std::string where = "prices[" + std::to_string(i) + "]";
    if (!p.is_object() || !p.contains("price") || !p["price"].is_number())
      return where + ": needs a numeric \"price\"";
    Price price{text_of(p, "service"), text_of(p, "usage_type"), text_of(p, "operation"),
                text_of(p, "unit"), p["price"].get<double>(), text_of(p, "source")};
    if (price.service.empty() || price.usage_type.empty() || price.unit.empty())
      return where + ": needs \"service\", \"usage_type\" and \"unit\"";
    if (price.price < 0) return where + ": a price cannot be negative";
    if (price.operation.empty()) price.operation = "*";
    t.prices.push_back(std::move(price));
  }
  if (j.contains("free_tier") && j["free_tier"].is_array())
    for (const auto& f : j["free_tier"]) {
      if (!f.is_object() || !f.contains("quantity") || !f["quantity"].is_number()) continue;
      FreeAllowance a{text_of(f, "usage_type"), text_of(f, "operation"), f["quantity"].get<double>()};
      if (a.operation.empty()) a.operation = "*";
      if (!a.usage_type.empty()) t.free_tier.push_back(std::move(a));
    }
  return t;
}

PriceTable builtin_price_table(const std::string& region) {
  const std::string* fallback = nullptr;
  for (const auto& [name, text] : embedded_price_tables()) {
    if (name == region) return std::get<PriceTable>(parse_price_table(text));
    if (name == "us-east-1") fallback = &text;
  }
  PriceTable t = std::get<PriceTable>(parse_price_table(*fallback));
  // Another region: us-east-1's prices, under that region's usage-type prefix.
  const std::string code = region_billing_code(region);
  for (auto& [service, prefix] : t.prefixes) prefix = code.empty() ? "" : code + "-";
  t.source = "us-east-1 list prices (no table for " + region + " in this build); " + t.source;
  t.region = region;
  return t;
}

}  // namespace bf
