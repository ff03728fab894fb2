// Every timestamp format the emulator writes and reads, against AWS's examples.
#include <gtest/gtest.h>

#include "emulator/base/time.h"

namespace bf {
namespace {

constexpr std::int64_t kMoment = 1700000000123;  // 2023-11-14 22:13:20.123 UTC

TEST(Time, FormatsAsAwsWritesThem) {
  EXPECT_EQ(iso8601_ms(kMoment), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(iso8601_ms(1700000000000), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(http_date(kMoment), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(sigv4_date(kMoment), "20231114T221320Z");
  EXPECT_EQ(lambda_timestamp(kMoment), "2023-11-14T22:13:20.123+0000");
  EXPECT_EQ(request_time(kMoment), "14/Nov/2023:22:13:20 +0000");
  EXPECT_EQ(format_utc_ms(kMoment, "%Y/%m/%d"), "2023/11/14");
}

// Found by fuzz_auth: a SigV2 request dated 1013 was formatted for RequestTimeTooSkewed through
// a nanosecond time_point, which overflows (undefined behaviour) for dates before 1678 or after
// 2262. Any date a client can send formats.
TEST(Time, FormatsDatesFarFromNow) {
  const auto long_ago = parse_http_date("Thu, 01 Jan 1013 00:00:00 GMT");
  ASSERT_TRUE(long_ago);
  EXPECT_EQ(sigv4_date(*long_ago), "10130101T000000Z");
  EXPECT_EQ(iso8601_ms(*long_ago), "1013-01-01T00:00:00.000Z");
  const auto far_ahead = parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT");
  ASSERT_TRUE(far_ahead);
  EXPECT_EQ(sigv4_date(*far_ahead), "99991231T235959Z");
  EXPECT_EQ(iso8601_ms(-1), "1969-12-31T23:59:59.999Z");  // rounded down, not toward zero
}

TEST(Time, ParsesHttpsThreeDateFormats) {
  EXPECT_EQ(parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), 1700000000000);
  EXPECT_EQ(parse_http_date("Tuesday, 14-Nov-23 22:13:20 GMT"), 1700000000000);
  EXPECT_EQ(parse_http_date("Tue Nov 14 22:13:20 2023"), 1700000000000);
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_FALSE(parse_http_date(""));
}

TEST(Time, ParsesSigV4DatesExactly) {
  EXPECT_EQ(parse_sigv4_date("20231114T221320Z"), 1700000000000);
  EXPECT_FALSE(parse_sigv4_date("20231114T221320"));
  EXPECT_FALSE(parse_sigv4_date("20231114T221320Z "));
  EXPECT_FALSE(parse_sigv4_date("2023-11-14T22:13:20Z"));
  EXPECT_FALSE(parse_sigv4_date("20231314T221320Z"));  // month 13
}

TEST(Time, ParsesIso8601WithOrWithoutFraction) {
  EXPECT_EQ(parse_iso8601_prefix("2023-11-14T22:13:20.000Z"), 1700000000000);
  EXPECT_EQ(parse_iso8601_prefix("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_FALSE(parse_iso8601_prefix("14 Nov 2023"));
}

}  // namespace
}  // namespace bf
