#include "emulator/s3/preconditions.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(ParseRange, Forms) {
  ByteRange r;
  EXPECT_EQ(parse_range("bytes=0-9", 100, r), RangeResult::Partial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 10u);
  EXPECT_EQ(parse_range("bytes=90-", 100, r), RangeResult::Partial);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.length, 10u);
  EXPECT_EQ(parse_range("bytes=-5", 100, r), RangeResult::Partial);
  EXPECT_EQ(r.first, 95u);
  EXPECT_EQ(r.length, 5u);
  EXPECT_EQ(parse_range("bytes=-500", 100, r), RangeResult::Partial);  // suffix longer than object
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 100u);
  EXPECT_EQ(parse_range("bytes=50-5000", 100, r), RangeResult::Partial);  // end clamped
  EXPECT_EQ(r.length, 50u);
}

TEST(ParseRange, UnsatisfiableAndIgnored) {
  ByteRange r;
  EXPECT_EQ(parse_range("bytes=100-", 100, r), RangeResult::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 100, r), RangeResult::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-0", 0, r), RangeResult::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=9-1", 100, r), RangeResult::Whole);
  EXPECT_EQ(parse_range("items=0-1", 100, r), RangeResult::Whole);
  EXPECT_EQ(parse_range("bytes=0-1,5-6", 100, r), RangeResult::Whole);
  EXPECT_EQ(parse_range("bytes=a-b", 100, r), RangeResult::Whole);
}

TEST(EtagMatches, QuotedBareListsAndStar) {
  EXPECT_TRUE(etag_matches("\"abc\"", "abc"));
  EXPECT_TRUE(etag_matches("abc", "abc"));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "abc"));
  EXPECT_TRUE(etag_matches("*", "abc"));
  EXPECT_FALSE(etag_matches("\"abd\"", "abc"));
}

ObjectRecord object_modified_at(std::int64_t epoch_s) {
  ObjectRecord o;
  o.etag = "abc";
  o.last_modified_ms = epoch_s * 1000 + 250;
  return o;
}

TEST(Preconditions, GetSemantics) {
  const auto o = object_modified_at(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
  auto eval = [&](Headers h) { return evaluate_preconditions(h, o, kGetConditions, false); };
  EXPECT_FALSE(eval({{"If-Match", "\"abc\""}}));
  EXPECT_EQ(eval({{"If-Match", "\"zzz\""}})->code, "PreconditionFailed");
  EXPECT_EQ(eval({{"If-None-Match", "\"abc\""}})->code, "NotModified");
  EXPECT_FALSE(eval({{"If-None-Match", "\"zzz\""}}));
  EXPECT_EQ(eval({{"If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT"}})->code, "NotModified");
  EXPECT_FALSE(eval({{"If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT"}}));
  EXPECT_EQ(eval({{"If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:19 GMT"}})->code, "PreconditionFailed");
  // If-Match wins over If-Unmodified-Since; If-None-Match over If-Modified-Since.
  EXPECT_FALSE(eval({{"If-Match", "abc"}, {"If-Unmodified-Since", "Tue, 14 Nov 2023 00:00:00 GMT"}}));
  EXPECT_FALSE(eval({{"If-None-Match", "zzz"}, {"If-Modified-Since", "Wed, 15 Nov 2023 00:00:00 GMT"}}));
}

TEST(Preconditions, CopySourceAnswers412WhereGetAnswers304) {
  const auto o = object_modified_at(1700000000);
  Headers h{{"x-amz-copy-source-if-none-match", "abc"}};
  auto err = evaluate_preconditions(h, o, kCopySourceConditions, true);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 412);
}

}  // namespace
}  // namespace bf
