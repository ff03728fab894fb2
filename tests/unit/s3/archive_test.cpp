#include "emulator/s3/archive.h"

#include <gtest/gtest.h>

#include "emulator/base/time.h"

namespace bf {
namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;

TEST(Archive, WhichObjectsMustBeRestored) {
  EXPECT_TRUE(is_archived("GLACIER", ""));
  EXPECT_TRUE(is_archived("DEEP_ARCHIVE", ""));
  EXPECT_FALSE(is_archived("GLACIER_IR", ""));
  EXPECT_FALSE(is_archived("STANDARD_IA", ""));
  EXPECT_FALSE(is_archived("INTELLIGENT_TIERING", ""));
  EXPECT_TRUE(is_archived("INTELLIGENT_TIERING", "ARCHIVE_ACCESS"));
  EXPECT_TRUE(is_archived("INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS"));
}

TEST(Archive, RestoreTakesTheUpperEndOfAwsRanges) {
  EXPECT_EQ(restore_duration_ms("GLACIER", "", "Expedited"), 5 * 60 * 1000);
  EXPECT_EQ(restore_duration_ms("GLACIER", "", "Standard"), 5 * kHour);
  EXPECT_EQ(restore_duration_ms("GLACIER", "", "Bulk"), 12 * kHour);
  EXPECT_EQ(restore_duration_ms("DEEP_ARCHIVE", "", "Expedited"), std::nullopt);
  EXPECT_EQ(restore_duration_ms("DEEP_ARCHIVE", "", "Standard"), 12 * kHour);
  EXPECT_EQ(restore_duration_ms("DEEP_ARCHIVE", "", "Bulk"), 48 * kHour);
  EXPECT_EQ(restore_duration_ms("INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS", "Expedited"), std::nullopt);
  EXPECT_EQ(restore_duration_ms("INTELLIGENT_TIERING", "ARCHIVE_ACCESS", "Expedited"), 5 * 60 * 1000);
  EXPECT_EQ(restore_duration_ms("GLACIER", "", "Fast"), std::nullopt);
}

TEST(Archive, ExpiryRoundsUpToTheNextMidnightUtc) {
  const std::int64_t noon = *parse_iso8601_prefix("2026-12-06T12:00:00");
  EXPECT_EQ(iso8601_ms(restore_expiry_ms(noon, 2)), "2026-12-09T00:00:00.000Z");
  // Exactly midnight still goes to the next one.
  const std::int64_t midnight = *parse_iso8601_prefix("2026-12-06T00:00:00");
  EXPECT_EQ(iso8601_ms(restore_expiry_ms(midnight, 1)), "2026-12-08T00:00:00.000Z");
}

TEST(Archive, RestoreStateAndItsHeader) {
  RestoreState r{"Standard", 1, 0, 5 * kHour, 2 * kDay};
  EXPECT_TRUE(r.ongoing(kHour));
  EXPECT_FALSE(r.readable(kHour));
  EXPECT_EQ(restore_header(r, kHour), "ongoing-request=\"true\"");
  EXPECT_TRUE(r.readable(5 * kHour));
  EXPECT_EQ(restore_header(r, 5 * kHour),
            "ongoing-request=\"false\", expiry-date=\"Sat, 03 Jan 1970 00:00:00 GMT\"");
  EXPECT_FALSE(r.readable(2 * kDay));
}

}  // namespace
}  // namespace bf
