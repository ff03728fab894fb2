// The cost report over a real store: day totals and standing levels in the price table's
// units, priced line by line, the STANDARD-only comparison, the free tier and a projection.
#include <gtest/gtest.h>

#include "emulator/metering/cost_report.h"
#include "emulator/metering/price_table.h"
#include "emulator/store/store.h"
#include "tests/unit/support.h"

namespace bf {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kFeb1 = 1'769'904'000'000;  // 2026-02-01T00:00:00Z (672 hours in February)
constexpr double kGB = 1024.0 * 1024 * 1024;

class SetClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds(ms)};
  }
  std::int64_t ms = 0;
};

// The line of a usage type and operation in `report`'s lines (or, with `standard`, in the
// STANDARD-only comparison's).
const Json* line(const Json& report, const std::string& type, const std::string& op, bool standard = false) {
  for (const auto& l : standard ? report["all_standard"]["lines"] : report["lines"])
    if (l["usage_type"] == type && l["operation"] == op && !l.contains("description")) return &l;
  return nullptr;
}

TEST(CostReport, HoursInMonth) {
  EXPECT_EQ(hours_in_month(kFeb1), 672);
  EXPECT_EQ(hours_in_month(kFeb1 - 1), 744);  // January
  EXPECT_EQ(hours_in_month(1'709'251'200'000 - 1), 696);  // the last moment of February 2024
}

TEST(CostReport, PricesUsageAndTheStandardOnlyComparison) {
  test_support::TempDir dir;
  auto store = test_support::open_store(dir.path());
  SetClock clock;
  clock.ms = kFeb1 + 10 * kDay;
  // 7 days of 1 GiB in Glacier Instant Retrieval (from stored day totals), and 1 GiB in
  // Standard-IA standing since day 2 (a level not yet accrued), plus requests.
  std::vector<UsageRow> rows;
  for (int d = 0; d < 7; ++d)
    rows.push_back({kFeb1 + d * kDay, "TimedStorage-GIR-ByteHrs", "GlacierInstantRetrievalStorage",
                    "arn:aws:s3:::b", kGB * 24});
  rows.push_back({kFeb1, "Requests-GIR-Tier1", "PutObject", "arn:aws:s3:::b", 1000});
  rows.push_back({kFeb1, "Request", "Invoke", "arn:aws:lambda:us-east-1:000000000000:function:f", 3'000'000});
  rows.push_back({kFeb1, "Made-Up-Type", "X", "arn:aws:s3:::b", 2});
  ASSERT_TRUE(store->usage().add_usage(rows));
  // A level is made by a write; bill one version directly through the store's ledger.
  struct OneLevel final : StorageBilling {
    void shares_of(const ObjectRecord& v, std::vector<LevelShare>& out) const override {
      out.push_back({"TimedStorage-SIA-ByteHrs", "StandardIAStorage", "arn:aws:s3:::b", static_cast<double>(v.size)});
    }
    void on_leaving(const ObjectRecord&, const ObjectRecord*, std::int64_t, std::vector<UsageRow>&) const override {}
    std::int64_t now_ms() const override { return kFeb1 + 2 * kDay; }
  } billing;
  store->usage().bill_storage_with(&billing);
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  auto writer = store->objects().create_blob();
  ASSERT_TRUE(writer);
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  ObjectRecord r{"b", "k", blob->id(), 1024ull * 1024 * 1024, "e", kFeb1, "STANDARD_IA", "{}"};
  ASSERT_TRUE(store->objects().put_object(r, std::move(blob)));

  const PriceTable prices = builtin_price_table("us-east-1");
  auto recorder = std::make_unique<UsageRecorder>(store->usage(), clock);
  CostReporter reporter(store->usage(), *recorder, clock, prices, false);
  const Json report = reporter.report({});
  EXPECT_EQ(report["period"]["start"], "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(report["period"]["end"], "2026-02-11T00:00:00.000Z");

  const Json* gir = line(report, "TimedStorage-GIR-ByteHrs", "GlacierInstantRetrievalStorage");
  ASSERT_TRUE(gir);
  EXPECT_DOUBLE_EQ((*gir)["quantity"].get<double>(), 7.0 * 24 / 672);
  EXPECT_EQ((*gir)["unit_price"], 0.004);
  const Json* sia = line(report, "TimedStorage-SIA-ByteHrs", "StandardIAStorage");
  ASSERT_TRUE(sia);
  EXPECT_DOUBLE_EQ((*sia)["quantity"].get<double>(), 8.0 * 24 / 672);  // day 2 to day 10
  const Json* unknown = line(report, "Made-Up-Type", "X");
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["unpriced"], true);
  EXPECT_EQ((*unknown)["cost"], 0.0);
  double sum = 0;
  for (const auto& l : report["lines"]) {
    EXPECT_EQ(l["cost"].get<double>(), l["quantity"].get<double>() * l["unit_price"].get<double>());
    sum += l["cost"].get<double>();
  }
  EXPECT_DOUBLE_EQ(report["total"].get<double>(), sum);
  // Biggest lines first.
  EXPECT_EQ(report["lines"][0]["usage_type"], "Request");

  // All of it in STANDARD: 15 GiB-days at 0.023, PUTs at Tier1's price; the Lambda line as it is.
  const Json* standard = line(report, "TimedStorage-ByteHrs", "StandardStorage", true);
  ASSERT_TRUE(standard);
  EXPECT_DOUBLE_EQ((*standard)["quantity"].get<double>(), 15.0 * 24 / 672);
  const Json* puts = line(report, "Requests-Tier1", "PutObject", true);
  ASSERT_TRUE(puts);
  EXPECT_EQ((*puts)["quantity"], 1000);
  EXPECT_EQ((*puts)["unit_price"], 0.000005);
  EXPECT_DOUBLE_EQ(report["all_standard"]["difference"].get<double>(),
                   report["all_standard"]["total"].get<double>() - report["total"].get<double>());

  // The free tier takes a million Lambda requests off February; a projection multiplies first.
  CostQuery free;
  free.free_tier = true;
  free.scale = 2;
  const Json projected = reporter.report(free);
  EXPECT_EQ(projected["estimate"]["scale"], 2.0);
  const Json* requests = line(projected, "Request", "Invoke");
  ASSERT_TRUE(requests);
  EXPECT_EQ((*requests)["quantity"], 6'000'000.0);
  bool credited = false;
  for (const auto& l : projected["lines"])
    if (l.contains("description") && l["usage_type"] == "Request") {
      EXPECT_EQ(l["quantity"], -1'000'000.0);
      credited = true;
    }
  EXPECT_TRUE(credited);
}

TEST(PriceTable, BuiltInTableAndPrefixes) {
  const PriceTable east = builtin_price_table("us-east-1");
  const Price* put = east.find("Requests-Tier1", "PutObject");
  ASSERT_TRUE(put);
  EXPECT_EQ(east.prefixed(*put), "Requests-Tier1");  // S3 in us-east-1: no prefix
  const Price* api = east.find("ApiGatewayHttpRequest", "ApiGatewayHttpApi");
  ASSERT_TRUE(api);
  EXPECT_EQ(east.prefixed(*api), "USE1-ApiGatewayHttpRequest");
  EXPECT_EQ(east.find("Requests-Tier3", "S3-GlacierTransition")->price, 0.00003);
  EXPECT_EQ(east.find("Requests-Tier3", "RestoreObject")->price, 0.00005);
  const PriceTable ireland = builtin_price_table("eu-west-1");
  EXPECT_EQ(ireland.prefixed(*ireland.find("Requests-Tier1", "PutObject")), "EU-Requests-Tier1");
  EXPECT_NE(ireland.source.find("us-east-1 list prices"), std::string::npos);
}

TEST(PriceTable, RefusesWhatIsNotATable) {
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_price_table("[]")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_price_table(R"({"region": "x"})")));
  auto bad = parse_price_table(R"({"region": "x", "prices": [{"service": "S", "usage_type": "U", "unit": "GB"}]})");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("prices[0]"), std::string::npos);
}

}  // namespace
}  // namespace bf
