#include "emulator/s3/lifecycle_rules.h"

#include <gtest/gtest.h>

#include "emulator/s3/tiering_config.h"

namespace bf {
namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kT0 = 20000 * kDay;  // a midnight

LifecycleConfig config_of(const std::string& rules) {
  auto parsed = parse_lifecycle_xml("<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>");
  EXPECT_TRUE(std::holds_alternative<LifecycleConfig>(parsed));
  return std::get<LifecycleConfig>(parsed);
}

ObjectRecord object(const std::string& key, std::uint64_t size, std::int64_t modified,
                    const std::string& storage_class = "STANDARD") {
  ObjectRecord o;
  o.key = key;
  o.size = size;
  o.last_modified_ms = modified;
  o.storage_class = storage_class;
  return o;
}

const std::string kAgeOut =
    "<Rule><ID>age</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
    "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
    "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
    "<Expiration><Days>365</Days></Expiration></Rule>";

TEST(LifecycleRules, DueAtTheMidnightAfterTheDays) {
  EXPECT_EQ(midnight_after(kT0 + 10 * kHour, 3), kT0 + 4 * kDay);
  EXPECT_EQ(midnight_after(kT0 + 23 * kHour, 0), kT0 + kDay);
  EXPECT_EQ(midnight_after(kT0, 1), kT0 + 2 * kDay);  // exactly midnight: the next one
}

TEST(LifecycleRules, TransitionsGoToTheColdestClassDueAndNeverBack) {
  const LifecycleConfig c = config_of(kAgeOut);
  const ObjectRecord o = object("logs/a", 200 * 1024, kT0 + kHour);
  EXPECT_EQ(transition_due(c, o, {}, kT0 + 30 * kDay), std::nullopt);
  EXPECT_EQ(transition_due(c, o, {}, kT0 + 31 * kDay), "STANDARD_IA");
  EXPECT_EQ(transition_due(c, o, {}, kT0 + 200 * kDay), "GLACIER");
  const ObjectRecord deep = object("logs/a", 200 * 1024, kT0, "DEEP_ARCHIVE");
  EXPECT_EQ(transition_due(c, deep, {}, kT0 + 200 * kDay), std::nullopt);
  // Under 128 KB, or outside the prefix: nothing.
  EXPECT_EQ(transition_due(c, object("logs/a", 1000, kT0), {}, kT0 + 200 * kDay), std::nullopt);
  EXPECT_EQ(transition_due(c, object("other", 200 * 1024, kT0), {}, kT0 + 200 * kDay), std::nullopt);
}

TEST(LifecycleRules, ExpirationNamesTheEarliestRule) {
  const LifecycleConfig c = config_of(
      kAgeOut + "<Rule><ID>soon</ID><Filter><Prefix>logs/tmp/</Prefix></Filter><Status>Enabled</Status>"
                "<Expiration><Days>7</Days></Expiration></Rule>");
  auto due = expiration_due(c, object("logs/tmp/x", 1, kT0 + kHour), {});
  ASSERT_TRUE(due);
  EXPECT_EQ(due->rule_id, "soon");
  EXPECT_EQ(due->due_ms, kT0 + 8 * kDay);
  EXPECT_EQ(expiration_header(*due).substr(0, 13), "expiry-date=\"");
}

TEST(LifecycleRules, NewerNoncurrentVersionsAreKept) {
  const LifecycleConfig c = config_of(
      "<Rule><ID>nc</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration>"
      "<NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions>"
      "</NoncurrentVersionExpiration></Rule>");
  ObjectRecord v = object("k", 1, kT0);
  v.noncurrent_ms = kT0 + kHour;
  EXPECT_EQ(noncurrent_due(c, v, {}, 2, kT0 + 5 * kDay), std::nullopt);
  EXPECT_TRUE(noncurrent_due(c, v, {}, 2, kT0 + 6 * kDay)->expire);
  EXPECT_EQ(noncurrent_due(c, v, {}, 1, kT0 + 60 * kDay), std::nullopt);
}

TEST(LifecycleRules, SpansCoverWhatFellDueSinceTheLastRun) {
  // Due in the run at R after the run at P: objects with time + d in [P, R).
  const TimeWindow w = span_for_days(30, kT0 + 99 * kDay, kT0 + 100 * kDay);
  EXPECT_EQ(w.from_ms, kT0 + 69 * kDay);
  EXPECT_EQ(w.to_ms, kT0 + 70 * kDay);
  const std::int64_t t = kT0 + 69 * kDay + 5 * kHour;
  EXPECT_GT(midnight_after(t, 30), kT0 + 99 * kDay);
  EXPECT_LE(midnight_after(t, 30), kT0 + 100 * kDay);
  // The first run, or one after the configuration changed, looks at everything before.
  LifecycleConfig c = config_of(kAgeOut);
  c.configured_ms = kT0 + 99 * kDay + kHour;
  const DueSpans spans = due_spans(c, kT0 + 99 * kDay, kT0 + 100 * kDay);
  ASSERT_EQ(spans.modified.size(), 1u);  // merged into one
  EXPECT_LT(spans.modified[0].from_ms, 0);
  EXPECT_EQ(spans.modified[0].to_ms, kT0 + 70 * kDay);
  EXPECT_EQ(merge_spans({{0, 5}, {3, 9}, {20, 30}, {7, 7}}).size(), 2u);
}

TEST(Tiering, AccessTiersAfterDaysWithoutAccess) {
  auto parsed = parse_tiering_xml(
      "<IntelligentTieringConfiguration><Id>a</Id><Status>Enabled</Status>"
      "<Tiering><Days>120</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>"
      "</IntelligentTieringConfiguration>");
  ASSERT_TRUE(std::holds_alternative<TieringConfig>(parsed));
  const std::vector<TieringConfig> configs{std::get<TieringConfig>(parsed)};
  ObjectRecord o = object("k", 200 * 1024, kT0, "INTELLIGENT_TIERING");
  o.last_access_ms = kT0 + kHour;
  ObjectMeta meta;
  EXPECT_EQ(tier_due(configs, o, meta, kT0 + 30 * kDay), std::nullopt);
  EXPECT_EQ(tier_due(configs, o, meta, kT0 + 31 * kDay), kInfrequentAccess);
  EXPECT_EQ(tier_due(configs, o, meta, kT0 + 91 * kDay), kArchiveInstantAccess);
  EXPECT_EQ(tier_due(configs, o, meta, kT0 + 121 * kDay), kArchiveAccess);
  meta.access_tier = kArchiveAccess;
  EXPECT_EQ(tier_due(configs, o, meta, kT0 + 121 * kDay), std::nullopt);  // never back up alone
  EXPECT_EQ(tier_due(configs, object("s", 100, kT0, "INTELLIGENT_TIERING"), {}, kT0 + 400 * kDay),
            std::nullopt);  // under 128 KB: not monitored
}

TEST(Tiering, ConfigurationValidation) {
  auto bad = [](const std::string& tierings) {
    return std::holds_alternative<S3Error>(parse_tiering_xml(
        "<IntelligentTieringConfiguration><Id>a</Id><Status>Enabled</Status>" + tierings +
        "</IntelligentTieringConfiguration>"));
  };
  EXPECT_TRUE(bad(""));
  EXPECT_TRUE(bad("<Tiering><Days>89</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>"));
  EXPECT_TRUE(bad("<Tiering><Days>179</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering>"));
  EXPECT_TRUE(bad("<Tiering><Days>200</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>"
                  "<Tiering><Days>190</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering>"));
  EXPECT_FALSE(bad("<Tiering><Days>730</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering>"));
}

}  // namespace
}  // namespace bf
