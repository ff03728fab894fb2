#include "sdk/s3_event.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

// The example record of the AWS event message structure, in AWS's field order.
constexpr const char* kAwsExample =
    R"({"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
    R"("eventTime":"2025-06-01T12:00:00.123Z","eventName":"ObjectCreated:Put",)"
    R"("userIdentity":{"principalId":"AWS:AIDAEXAMPLEUSERID"},)"
    R"("requestParameters":{"sourceIPAddress":"203.0.113.7"},)"
    R"("responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},)"
    R"("s3":{"s3SchemaVersion":"1.0","configurationId":"thumbs",)"
    R"("bucket":{"name":"photos","ownerIdentity":{"principalId":"A3NL1KOZZKEXAMPLE"},"arn":"arn:aws:s3:::photos"},)"
    R"("object":{"key":"incoming/red+flower.jpg","size":11,"eTag":"5eb63bbbe01eeed093cb22bb8f5acdc3",)"
    R"("versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}})";

TEST(S3Event, ParsesAndWritesAwsExampleByteForByte) {
  const std::string event = std::string(R"({"Records":[)") + kAwsExample + "]}";
  S3Event parsed = S3Event::from_json(Json::parse(event));
  ASSERT_EQ(parsed.records.size(), 1u);
  const S3EventRecord& r = parsed.records[0];
  EXPECT_EQ(r.key, "incoming/red flower.jpg");
  EXPECT_EQ(r.size, std::optional<std::uint64_t>(11));
  EXPECT_EQ(r.version_id, "096fKKXTRTtl3on89fVO.nfljtsv6qko");
  EXPECT_EQ(r.bucket_arn, "arn:aws:s3:::photos");
  EXPECT_EQ(parsed.to_json().dump(), event);
  EXPECT_TRUE(S3Event::matches(Json::parse(event)));
}

TEST(S3Event, DeleteRecordsHaveNoSizeOrETag) {
  S3EventRecord r;
  r.event_name = "ObjectRemoved:Delete";
  r.key = "a";
  r.sequencer = "01";
  Json object = r.to_json()["s3"]["object"];
  EXPECT_EQ(object.dump(), R"({"key":"a","sequencer":"01"})");
}

TEST(S3Event, KeyEncodingIsFormEncodingWithSlashesKept) {
  EXPECT_EQ(encode_event_key("incoming/red flower.jpg"), "incoming/red+flower.jpg");
  EXPECT_EQ(encode_event_key("a+b=c&d"), "a%2Bb%3Dc%26d");
  EXPECT_EQ(encode_event_key("caf\xC3\xA9 (1).txt"), "caf%C3%A9+%281%29.txt");
  EXPECT_EQ(encode_event_key("x-y_z.*~"), "x-y_z.*%7E");
  for (std::string key : {"incoming/red flower.jpg", "a+b=c&d", "caf\xC3\xA9 (1).txt", "%41"})
    EXPECT_EQ(decode_event_key(encode_event_key(key)), key);
  EXPECT_EQ(decode_event_key("bad%zz+%4"), "bad%zz %4");
}

TEST(S3Event, RejectsEventsWithoutRecords) {
  EXPECT_THROW(S3Event::from_json(Json::parse(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})")),
               std::invalid_argument);
  EXPECT_FALSE(S3Event::matches(Json::parse(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})")));
  EXPECT_THROW(S3Event::from_json(Json::parse(R"({"Records":[{"eventVersion":"2.1"}]})")),
               std::invalid_argument);
}

}  // namespace
}  // namespace bf
