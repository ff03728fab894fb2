// The outbox context: written and read in one place, and rows written by earlier versions (the
// same keys, some absent) still read.
#include <gtest/gtest.h>

#include "emulator/lambda/invocation_context.h"

namespace bf {
namespace {

TEST(InvocationContext, RoundTrips) {
  InvocationContext c{"req-1", "s3:ObjectCreated:Put", "arn:aws:s3:::uploads/a.jpg", "thumbnailer", 1700000000000000};
  c.throttles = 2;
  c.destination = PendingBucketWrite{"failures", "thumbnailer", R"({"version":"1.0"})", "thumbnailer", 1};
  const InvocationContext back = InvocationContext::from_json(c.to_json());
  EXPECT_EQ(back.request_id, "req-1");
  EXPECT_EQ(back.trigger, "s3:ObjectCreated:Put");
  EXPECT_EQ(back.source, "arn:aws:s3:::uploads/a.jpg");
  EXPECT_EQ(back.lineage, "thumbnailer");
  EXPECT_EQ(back.enqueued_us, 1700000000000000);
  EXPECT_EQ(back.throttles, 2);
  ASSERT_TRUE(back.destination);
  EXPECT_EQ(back.destination->bucket, "failures");
  EXPECT_EQ(back.destination->record, R"({"version":"1.0"})");
  EXPECT_EQ(back.destination->attempts, 1);
}

TEST(InvocationContext, ReadsWhatEarlierVersionsWrote) {
  const auto c = InvocationContext::from_json(
      R"({"request_id":"r","trigger":"invoke:Event","source":"127.0.0.1","lineage":""})");
  EXPECT_EQ(c.request_id, "r");
  EXPECT_EQ(c.trigger, "invoke:Event");
  EXPECT_EQ(c.enqueued_us, 0);
  EXPECT_EQ(c.throttles, 0);
  EXPECT_FALSE(c.destination);
}

TEST(InvocationContext, ToleratesWhatItCannotRead) {
  for (const char* text : {"", "[]", "not json", R"({"request_id":5,"throttles":"x","destination":3})"}) {
    const auto c = InvocationContext::from_json(text);
    EXPECT_EQ(c.request_id, "") << text;
    EXPECT_EQ(c.trigger, "invoke") << text;
    EXPECT_EQ(c.throttles, 0) << text;
    EXPECT_FALSE(c.destination) << text;
  }
}

}  // namespace
}  // namespace bf
