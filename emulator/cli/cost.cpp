// `bucketfire cost`: what a running server's metered usage would cost on AWS, as a table a
// person reads at a glance (totals first, biggest lines first) or as CSV. It reads
// GET /_bucketfire/cost, signed with the AWS_* credentials (or test/test) in case the server
// listens beyond loopback.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/cli/server_client.h"
#include "emulator/lambda/arn.h"
#include "emulator/s3/bucket_name.h"
#include "sdk/http_transport.h"
#include "sdk/json.h"

namespace bf::cli {

namespace {

struct CostOptions {
  std::string endpoint = "http://127.0.0.1:4566";
  std::string by;  // "", usage, bucket, function
  bool csv = false;
  bool free_tier = false;
  std::string from, to, scale;
};

// Cents from a dollar up; below that the millionths a small run's lines are made of.
std::string money(double usd) {
  char text[64];
  std::snprintf(text, sizeof text, std::fabs(usd) >= 1 ? "$%.2f" : "$%.6f", usd);
  return text;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

// The part of an ARN a person knows the resource by: the bucket or function name.
std::string short_name(const std::string& arn) {
  if (arn.starts_with(kBucketArnPrefix)) return arn.substr(kBucketArnPrefix.size());
  if (arn.starts_with("arn:aws:lambda:"))
    if (auto function = parse_function_ref(arn)) return function->name;
  if (arn.starts_with("arn:aws:apigateway:")) return "api " + arn.substr(arn.rfind('/') + 1);
  return arn.empty() ? "-" : arn;
}

// The lines' costs summed by what --by asks for, biggest first.
struct Group {
  std::string name;
  double cost = 0;
};

std::vector<Group> grouped(const Json& lines, const std::string& by) {
  std::map<std::string, double> sums;
  for (const auto& l : lines) {
    const std::string resource = l.value("resource", "");
    std::string key;
    if (by == "usage") {
      key = l.value("usage_type", "");
    } else if (by == "bucket") {
      key = resource.starts_with(kBucketArnPrefix) ? short_name(resource) : "(not a bucket)";
    } else {
      key = resource.starts_with("arn:aws:lambda:") ? short_name(resource) : "(not a function)";
    }
    if (l.contains("description")) key += " (" + l.value("description", "") + ")";
    sums[key] += l.value("cost", 0.0);
  }
  std::vector<Group> out;
  for (const auto& [name, cost] : sums) out.push_back({name, cost});
  std::stable_sort(out.begin(), out.end(), [](const Group& a, const Group& b) { return a.cost > b.cost; });
  return out;
}

void print_csv(const Json& report, const std::string& by) {
  if (!by.empty()) {
    std::printf("%s,cost\n", by.c_str());
    for (const auto& g : grouped(report["lines"], by))
      std::printf("%s,%s\n", csv_field(g.name).c_str(), number(g.cost).c_str());
    return;
  }
  std::printf("service,usage_type,operation,resource,quantity,unit,unit_price,cost\n");
  for (const auto& l : report["lines"])
    std::printf("%s,%s,%s,%s,%s,%s,%s,%s\n", csv_field(l.value("service", "")).c_str(),
                csv_field(l.value("usage_type", "")).c_str(), csv_field(l.value("operation", "")).c_str(),
                csv_field(l.value("resource", "")).c_str(), number(l.value("quantity", 0.0)).c_str(),
                csv_field(l.value("unit", "")).c_str(), number(l.value("unit_price", 0.0)).c_str(),
                number(l.value("cost", 0.0)).c_str());
}

void print_table(const Json& report, const std::string& by) {
  const Json& period = report["period"];
  std::printf("What it would cost on AWS, %s to %s (%s list prices of %s%s)\n",
              period.value("start", "").c_str(), period.value("end", "").c_str(),
              report.value("region", "").c_str(), report["prices"].value("as_of", "").c_str(),
              report["prices"].value("free_tier", false) ? ", free tier applied" : "");
  if (report.contains("estimate"))
    std::printf("ESTIMATE: every measured quantity x %g. A projection of this run, not a measurement.\n",
                report["estimate"].value("scale", 1.0));
  const double total = report.value("total", 0.0);
  const double standard = report["all_standard"].value("total", 0.0);
  std::printf("\n  %-44s %14s\n", "Total", money(total).c_str());
  std::printf("  %-44s %14s\n", "The same, had every object stayed in STANDARD", money(standard).c_str());
  const double saved = standard - total;
  char share[32] = "";
  if (standard > 0)
    std::snprintf(share, sizeof share, " (%.0f%% %s)", 100.0 * std::fabs(saved) / standard, saved >= 0 ? "less" : "more");
  std::printf("  %-44s %14s%s\n\n", saved >= 0 ? "Storage classes save" : "Storage classes cost",
              money(std::fabs(saved)).c_str(), share);
  if (!by.empty()) {
    std::printf("  %14s  %s\n", "cost", by.c_str());
    for (const auto& g : grouped(report["lines"], by))
      std::printf("  %14s  %s\n", money(g.cost).c_str(), g.name.c_str());
    return;
  }
  std::printf("  %14s %14s %-16s %12s  %s\n", "cost", "quantity", "unit", "unit price", "usage type, operation, resource");
  for (const auto& l : report["lines"]) {
    std::string what = l.value("usage_type", "") + "  " + l.value("operation", "") + "  " +
                       (l.contains("description") ? l.value("description", "") : short_name(l.value("resource", "")));
    if (l.value("unpriced", false)) what += "  (not in the price table)";
    std::printf("  %14s %14.6g %-16s %12.10g  %s\n", money(l.value("cost", 0.0)).c_str(),
                l.value("quantity", 0.0), l.value("unit", "").c_str(), l.value("unit_price", 0.0), what.c_str());
  }
}

int print_cost(const CostOptions& options) {
  std::optional<ServerClient> server = server_at(options.endpoint);
  if (!server) return 2;
  OutgoingRequest request;
  request.path = "/_bucketfire/cost";
  if (!options.from.empty()) request.query.emplace_back("from", options.from);
  if (!options.to.empty()) request.query.emplace_back("to", options.to);
  if (!options.scale.empty()) request.query.emplace_back("scale", options.scale);
  if (options.free_tier) request.query.emplace_back("free_tier", "true");
  HttpReply reply;
  try {
    reply = server->send(std::move(request), "s3");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bucketfire: cannot reach %s: %s\n", options.endpoint.c_str(), e.what());
    return 1;
  }
  const Json report = Json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || !report.is_object() || !report.contains("lines")) {
    std::fprintf(stderr, "bucketfire: %s answered %d: %s\n", options.endpoint.c_str(), reply.status,
                 reply.body.c_str());
    return 1;
  }
  if (options.csv)
    print_csv(report, options.by);
  else
    print_table(report, options.by);
  return 0;
}

}  // namespace

int cost_command(int argc, char** argv) {
  CostOptions options;
  int rc = parse_flags(
      argc, argv, 2,
      [&](std::string_view flag, const std::string& value) {
        if (flag == "--endpoint") {
          options.endpoint = value;
        } else if (flag == "--by") {
          if (value != "usage" && value != "bucket" && value != "function")
            throw std::invalid_argument("--by is usage, bucket or function");
          options.by = value;
        } else if (flag == "--from") {
          options.from = value;
        } else if (flag == "--to") {
          options.to = value;
        } else if (flag == "--scale") {
          options.scale = value;
        } else {
          return false;
        }
        return true;
      },
      {{"--csv", &options.csv}, {"--free-tier", &options.free_tier}});
  if (rc >= 0) return rc;
  return print_cost(options);
}

}  // namespace bf::cli
