// The cost report's two inputs from outside: the query of GET /_bucketfire/cost (first line)
// and a --prices table (the rest). A bad one is an error that says what is wrong; a good pair
// gives a report whose every cost is its quantity × its unit price.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "emulator/http/target.h"
#include "emulator/internal/internal_api.h"
#include "emulator/metering/cost_report.h"
#include "emulator/metering/price_table.h"
#include "emulator/store/store.h"

namespace {

class FixedClock final : public bf::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds(1'769'904'000'000 + 5 * 86'400'000LL)};
  }
};

bf::Store& store() {
  static std::unique_ptr<bf::Store> s = [] {
    auto opened = bf::open_sqlite_store({":memory:"});
    if (!opened) std::abort();
    auto store = std::move(opened.value());
    const std::int64_t day = 1'769'904'000'000;
    if (!store->usage().add_usage({{day, "Requests-Tier1", "PutObject", "arn:aws:s3:::b", 7},
                                   {day, "TimedStorage-ByteHrs", "StandardStorage", "arn:aws:s3:::b", 1e12},
                                   {day, "Request", "Invoke", "arn:aws:lambda:us-east-1:000000000000:function:f", 3}}))
      std::abort();
    return store;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string target = input.substr(0, newline);
  const std::string table = newline == std::string::npos ? "" : input.substr(newline + 1);

  auto parsed_target = bf::parse_target(target);
  if (!parsed_target) return 0;
  auto query = bf::parse_cost_query(*parsed_target);
  if (auto* error = std::get_if<std::string>(&query); error && error->empty()) std::abort();
  auto prices = bf::parse_price_table(table);
  if (auto* error = std::get_if<std::string>(&prices); error && error->empty()) std::abort();
  if (!std::holds_alternative<bf::CostQuery>(query) || !std::holds_alternative<bf::PriceTable>(prices)) return 0;

  static FixedClock clock;
  static bf::UsageRecorder recorder(store().usage(), clock);
  bf::CostReporter reporter(store().usage(), recorder, clock, std::get<bf::PriceTable>(prices), false);
  const bf::Json report = reporter.report(std::get<bf::CostQuery>(query));
  for (const auto& line : report["lines"]) {
    const double quantity = line["quantity"].get<double>();
    const double unit_price = line["unit_price"].get<double>();
    const double cost = line["cost"].get<double>();
    if (!std::isnan(cost) && cost != quantity * unit_price) std::abort();
  }
  return 0;
}
