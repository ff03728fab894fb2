// What S3 bills: a stored version's levels by class and tier, early deletes, and the usage
// type and operation of each request.
#include <gtest/gtest.h>

#include <map>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/usage_billing.h"

namespace bf {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr double kKB = 1024;

class FixedClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::time_point{}; }
};

ObjectRecord version(const std::string& cls, std::uint64_t size, const ObjectMeta& meta = {}) {
  ObjectRecord r;
  r.bucket = "photos";
  r.key = "k";
  r.size = size;
  r.storage_class = cls;
  r.meta = meta.to_json();
  r.last_modified_ms = 10 * kDay;
  return r;
}

std::map<std::pair<std::string, std::string>, double> shares(const ObjectRecord& v) {
  FixedClock clock;
  S3StorageBilling billing(clock);
  std::vector<LevelShare> out;
  billing.shares_of(v, out);
  std::map<std::pair<std::string, std::string>, double> by;
  for (const auto& s : out) {
    EXPECT_EQ(s.resource, "arn:aws:s3:::photos");
    by[{s.usage_type, s.operation}] += s.quantity;
  }
  return by;
}

TEST(S3StorageBilling, ClassesMinimumSizesAndOverheads) {
  using Shares = std::map<std::pair<std::string, std::string>, double>;
  EXPECT_EQ(shares(version("STANDARD", 5000)), (Shares{{{"TimedStorage-ByteHrs", "StandardStorage"}, 5000}}));
  EXPECT_EQ(shares(version("", 5000)), (Shares{{{"TimedStorage-ByteHrs", "StandardStorage"}, 5000}}));
  EXPECT_EQ(shares(version("STANDARD_IA", 200 * kKB)),
            (Shares{{{"TimedStorage-SIA-ByteHrs", "StandardIAStorage"}, 200 * kKB}}));
  EXPECT_EQ(shares(version("GLACIER_IR", 28 * kKB)),
            (Shares{{{"TimedStorage-GIR-ByteHrs", "GlacierInstantRetrievalStorage"}, 28 * kKB},
                    {{"TimedStorage-GIR-SmObjects", "GlacierInstantRetrievalSizeOverhead"}, 100 * kKB}}));
  EXPECT_EQ(shares(version("DEEP_ARCHIVE", 1000)),
            (Shares{{{"TimedStorage-GDA-ByteHrs", "DeepArchiveStorage"}, 1000},
                    {{"TimedStorage-GDA-ByteHrs", "DeepArchiveObjectOverhead"}, 32 * kKB},
                    {{"TimedStorage-ByteHrs", "DeepArchiveS3ObjectOverhead"}, 8 * kKB}}));
  ObjectRecord marker = version("STANDARD", 0);
  marker.delete_marker = true;
  EXPECT_TRUE(shares(marker).empty());
}

TEST(S3StorageBilling, IntelligentTieringTiersMonitoringAndRestoredCopies) {
  using Shares = std::map<std::pair<std::string, std::string>, double>;
  ObjectMeta archived;
  archived.access_tier = "DEEP_ARCHIVE_ACCESS";
  EXPECT_EQ(shares(version("INTELLIGENT_TIERING", 256 * kKB, archived)),
            (Shares{{{"TimedStorage-INT-DAA-ByteHrs", "IntelligentTieringDAAStorage"}, 256 * kKB},
                    {{"Monitoring-Automation-INT", "IntelligentTieringStorage"}, 1}}));
  // Under 128 KB: Frequent Access, not monitored.
  EXPECT_EQ(shares(version("INTELLIGENT_TIERING", 127 * kKB)),
            (Shares{{{"TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage"}, 127 * kKB}}));
  ObjectMeta restored;
  restored.restore = RestoreState{"Standard", 2, 0, 1, 5 * kDay, true};
  auto with_copy = shares(version("GLACIER", 4096, restored));
  EXPECT_EQ((with_copy[{"TimedStorage-ByteHrs", "RestoreObject"}]), 4096);
  restored.restore->copy_ready = false;  // still running: no copy yet
  EXPECT_EQ(shares(version("GLACIER", 4096, restored)).count({"TimedStorage-ByteHrs", "RestoreObject"}), 0u);
}

TEST(S3StorageBilling, EarlyDeleteChargesTheRestOfTheMinimum) {
  FixedClock clock;
  S3StorageBilling billing(clock);
  std::vector<UsageRow> out;
  const ObjectRecord ia = version("STANDARD_IA", 100);  // bills as 128 KB
  billing.on_leaving(ia, nullptr, 10 * kDay + 12 * kDay, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].usage_type, "EarlyDelete-SIA");
  EXPECT_EQ(out[0].quantity, 128 * kKB * 18 * 24);
  EXPECT_EQ(out[0].day_ms, 22 * kDay);
  out.clear();
  billing.on_leaving(ia, nullptr, 10 * kDay + 30 * kDay, out);  // served its 30 days
  EXPECT_TRUE(out.empty());
  // A lifecycle transition counts from when it moved the object, and a change that keeps the
  // class (tags, a restore) is not a departure.
  ObjectMeta moved;
  moved.class_since_ms = 100 * kDay;
  const ObjectRecord glacier = version("GLACIER", 0, moved);
  ObjectRecord same = glacier;
  billing.on_leaving(glacier, &same, 110 * kDay, out);
  EXPECT_TRUE(out.empty());
  ObjectRecord deeper = version("DEEP_ARCHIVE", 0);
  billing.on_leaving(glacier, &deeper, 110 * kDay, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].usage_type, "EarlyDelete-ByteHrs");
  EXPECT_EQ(out[0].quantity, 32 * kKB * 80 * 24);
  out.clear();
  billing.on_leaving(version("INTELLIGENT_TIERING", 1000), nullptr, 10 * kDay, out);
  EXPECT_TRUE(out.empty());  // no minimum duration
}

struct Recorded : UsageMeter {
  void record(std::string_view type, std::string_view operation, std::string_view resource, double q) override {
    lines[std::string(type) + " " + std::string(operation) + " " + std::string(resource)] += q;
  }
  std::map<std::string, double> lines;
};

TEST(S3RequestBilling, TiersByOperationAndClass) {
  Recorded m;
  meter_request(m, "PutObject", "b", "", 0);
  meter_request(m, "PutObject", "b", "GLACIER", 0);
  meter_request(m, "GetObject", "b", "ONEZONE_IA", 2 * 1024 * 1024);
  meter_request(m, "ListObjectsV2", "b", "STANDARD_IA", 0);  // LIST bills at STANDARD's
  meter_request(m, "GetBucketLocation", "b", "", 0);
  meter_request(m, "DeleteObject", "b", "", 0);
  meter_request(m, "AbortMultipartUpload", "b", "", 0);
  meter_request(m, "ListBuckets", "", "", 0);
  meter_transition(m, "b", "DEEP_ARCHIVE");
  meter_transition(m, "b", "GLACIER_IR");
  meter_restore(m, "b", "DEEP_ARCHIVE", "Bulk", 1024 * 1024 * 1024);
  meter_restore(m, "b", "INTELLIGENT_TIERING", "Standard", 1024);
  const std::map<std::string, double> expected = {
      {"Requests-Tier1 PutObject arn:aws:s3:::b", 1},
      {"Requests-GLACIER-Tier1 PutObject arn:aws:s3:::b", 1},
      {"Requests-ZIA-Tier2 GetObject arn:aws:s3:::b", 1},
      {"Retrieval-ZIA GetObject arn:aws:s3:::b", 2.0 / 1024},
      {"Requests-Tier1 ListObjectsV2 arn:aws:s3:::b", 1},
      {"Requests-Tier2 GetBucketLocation arn:aws:s3:::b", 1},
      {"Requests-Tier1 ListBuckets ", 1},
      {"Requests-Tier3 S3-GDATransition arn:aws:s3:::b", 1},
      {"Requests-Tier4 S3-GIRTransition arn:aws:s3:::b", 1},
      {"Requests-GDA-Tier5 DeepArchiveRestoreObject arn:aws:s3:::b", 1},
      {"Bulk-Retrieval-Bytes DeepArchiveRestoreObject arn:aws:s3:::b", 1},
  };
  EXPECT_EQ(m.lines, expected);
}

}  // namespace
}  // namespace bf
