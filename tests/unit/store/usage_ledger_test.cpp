// Storage levels move in the object writes' own transactions and accrue quantity-hours by
// UTC day; one-off usage adds to its day's total.
#include <gtest/gtest.h>

#include "emulator/store/store.h"
#include "tests/unit/support.h"

namespace bf {
namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kMidnight = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// Bills every byte of every version under one usage type, at a time the test sets.
class BytesBilling final : public StorageBilling {
 public:
  void shares_of(const ObjectRecord& v, std::vector<LevelShare>& out) const override {
    if (!v.delete_marker) out.push_back({"Bytes-" + v.storage_class, "Store", "arn:aws:s3:::" + v.bucket,
                                         static_cast<double>(v.size)});
  }
  void on_leaving(const ObjectRecord& before, const ObjectRecord* after, std::int64_t now_ms,
                  std::vector<UsageRow>& out) const override {
    out.push_back({utc_day_of(now_ms), "Left", before.storage_class, "arn:aws:s3:::" + before.bucket, 1});
  }
  std::int64_t now_ms() const override { return now; }
  std::int64_t now = kMidnight;
};

Status put(ObjectStore& objects, const std::string& key, std::size_t size, const std::string& cls = "STANDARD") {
  auto writer = objects.create_blob();
  if (!writer) return writer.error();
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  if (auto s = blob->write(std::string(size, 'x')); !s) return s;
  ObjectRecord r;
  r.bucket = "b";
  r.key = key;
  r.blob_id = blob->id();
  r.size = size;
  r.etag = "e";
  r.storage_class = cls;
  r.meta = "{}";
  return objects.put_object(r, std::move(blob));
}

double total(const std::vector<UsageRow>& rows, const std::string& type, std::int64_t day) {
  double sum = 0;
  for (const auto& r : rows)
    if (r.usage_type == type && r.day_ms == day) sum += r.quantity;
  return sum;
}

TEST(UsageLedger, LevelsAccrueByteHoursSplitByDay) {
  test_support::TempDir dir;
  auto store = test_support::open_store(dir.path());
  BytesBilling billing;
  store->usage().bill_storage_with(&billing);
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));

  billing.now = kMidnight + 18 * kHour;  // 18:00 on day one
  ASSERT_TRUE(put(store->objects(), "a", 1000));
  auto levels = store->usage().levels();
  ASSERT_EQ(levels.size(), 1u);
  EXPECT_EQ(levels[0].usage_type, "Bytes-STANDARD");
  EXPECT_EQ(levels[0].quantity, 1000);
  EXPECT_EQ(levels[0].since_ms, billing.now);

  // 30 hours later a second object: the first's 30 hours are split 6 + 24 over two days.
  billing.now += 30 * kHour;
  ASSERT_TRUE(put(store->objects(), "b", 500));
  auto rows = store->usage().usage_between(kMidnight, kMidnight + 10 * kDay);
  EXPECT_EQ(total(rows, "Bytes-STANDARD", kMidnight), 1000.0 * 6);
  EXPECT_EQ(total(rows, "Bytes-STANDARD", kMidnight + kDay), 1000.0 * 24);
  EXPECT_EQ(store->usage().levels()[0].quantity, 1500);

  // Overwriting with another class moves the bytes and says the old version left. The day's
  // accrual so far stays on the level (a later day's change, or a report, reads it there).
  billing.now += 2 * kHour;
  ASSERT_TRUE(put(store->objects(), "a", 1000, "STANDARD_IA"));
  rows = store->usage().usage_between(kMidnight, kMidnight + 10 * kDay);
  EXPECT_EQ(total(rows, "Bytes-STANDARD", kMidnight + 2 * kDay), 0);
  EXPECT_EQ(total(rows, "Left", kMidnight + 2 * kDay), 1);
  levels = store->usage().levels();
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0].usage_type, "Bytes-STANDARD");
  EXPECT_EQ(levels[0].quantity, 500);
  EXPECT_EQ(levels[0].day_ms, kMidnight + 2 * kDay);
  EXPECT_EQ(levels[0].day_quantity, 1500.0 * 2);
  EXPECT_EQ(levels[0].since_ms, billing.now);
  EXPECT_EQ(levels[1].usage_type, "Bytes-STANDARD_IA");
  EXPECT_EQ(levels[1].quantity, 1000);

  // A delete brings the level back to exactly nothing; a change on a later day writes the
  // earlier days out.
  ASSERT_TRUE(store->objects().delete_latest("b", "a", Versioning::Unversioned, "", billing.now));
  billing.now += kDay;
  ASSERT_TRUE(store->objects().delete_latest("b", "b", Versioning::Unversioned, "", billing.now));
  for (const auto& l : store->usage().levels()) EXPECT_EQ(l.quantity, 0) << l.usage_type;
  rows = store->usage().usage_between(kMidnight, kMidnight + 10 * kDay);
  EXPECT_EQ(total(rows, "Bytes-STANDARD", kMidnight + 2 * kDay), 1500.0 * 2 + 500.0 * 22);
  EXPECT_EQ(total(rows, "Bytes-STANDARD", kMidnight + 3 * kDay), 0);
  EXPECT_EQ(store->usage().levels()[0].day_ms, kMidnight + 3 * kDay);
  EXPECT_EQ(store->usage().levels()[0].day_quantity, 500.0 * 2);
}

TEST(UsageLedger, UploadPartsBillUntilTheUploadEnds) {
  test_support::TempDir dir;
  auto store = test_support::open_store(dir.path());
  BytesBilling billing;
  store->usage().bill_storage_with(&billing);
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  ASSERT_TRUE(store->objects().create_upload({"u1", "b", "k", kMidnight, "GLACIER", "{}"}));
  auto writer = store->objects().create_blob();
  ASSERT_TRUE(writer);
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  ASSERT_TRUE(blob->write(std::string(4096, 'p')));
  PartRecord part{"u1", 1, blob->id(), 4096, "e", kMidnight, "{}"};
  ASSERT_TRUE(store->objects().put_part(part, std::move(blob)));
  ASSERT_EQ(store->usage().levels().size(), 1u);
  EXPECT_EQ(store->usage().levels()[0].usage_type, "Bytes-GLACIER");
  EXPECT_EQ(store->usage().levels()[0].quantity, 4096);
  billing.now += kHour;
  ASSERT_TRUE(store->objects().abort_upload("u1"));
  EXPECT_EQ(store->usage().levels()[0].quantity, 0);
  EXPECT_EQ(store->usage().levels()[0].day_quantity, 4096.0);  // an hour of 4 KiB
  auto rows = store->usage().usage_between(kMidnight, kMidnight + kDay);
  EXPECT_EQ(total(rows, "Left", kMidnight), 1);  // an aborted upload's parts leave their class
}

TEST(UsageLedger, OneOffUsageAddsToItsDay) {
  test_support::TempDir dir;
  auto store = test_support::open_store(dir.path());
  ASSERT_TRUE(store->usage().add_usage({{kMidnight, "Requests-Tier1", "PutObject", "arn:aws:s3:::b", 3},
                                        {kMidnight, "Requests-Tier1", "PutObject", "arn:aws:s3:::b", 2},
                                        {kMidnight + kDay, "Requests-Tier1", "PutObject", "arn:aws:s3:::b", 7}}));
  auto rows = store->usage().usage_between(kMidnight + kHour, kMidnight + kDay);  // from's day on
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].quantity, 5);
  EXPECT_EQ(utc_day_of(kMidnight + kDay - 1), kMidnight);
  EXPECT_EQ(utc_day_of(kMidnight + kDay), kMidnight + kDay);
}

}  // namespace
}  // namespace bf
