#include "sdk/batch_event.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bf {
namespace {

// The schema 2.0 example of the Batch Operations user guide, in its field order.
constexpr const char* kAwsExample2 =
    R"({"invocationSchemaVersion":"2.0","invocationId":"YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",)"
    R"("job":{"id":"f3cc4f60-61f6-4a2b-8a21-d07600c373ce","userArguments":{"k1":"v1","k2":"v2"}},)"
    R"("tasks":[{"taskId":"dGFza2lkZ29lc2hlcmUK","s3Key":"customerImage1.jpg","s3VersionId":null,)"
    R"("s3Bucket":"amzn-s3-demo-bucket"}]})";

TEST(BatchJobEvent, ParsesAndWritesTheSchema2ExampleByteForByte) {
  const BatchJobEvent event = BatchJobEvent::from_json(Json::parse(kAwsExample2));
  EXPECT_EQ(event.schema_version, "2.0");
  EXPECT_EQ(event.job_id, "f3cc4f60-61f6-4a2b-8a21-d07600c373ce");
  EXPECT_EQ(event.user_arguments, (std::map<std::string, std::string>{{"k1", "v1"}, {"k2", "v2"}}));
  ASSERT_EQ(event.tasks.size(), 1u);
  EXPECT_EQ(event.tasks[0].bucket, "amzn-s3-demo-bucket");
  EXPECT_EQ(event.tasks[0].version_id, "");
  EXPECT_EQ(event.to_json().dump(), kAwsExample2);
  EXPECT_TRUE(BatchJobEvent::matches(Json::parse(kAwsExample2)));
}

TEST(BatchJobEvent, Schema1NamesTheBucketByArnAndHasNoUserArguments) {
  BatchJobEvent event;
  event.invocation_id = "i";
  event.job_id = "j";
  event.user_arguments = {{"ignored", "in 1.0"}};
  event.tasks.push_back({"t", "photos", "holiday photos/a+b é.jpg", "v1"});
  const Json written = event.to_json();
  EXPECT_EQ(written.dump(),
            R"({"invocationSchemaVersion":"1.0","invocationId":"i","job":{"id":"j"},"tasks":[{"taskId":"t",)"
            R"("s3Key":"holiday%20photos/a%2Bb%20%C3%A9.jpg","s3VersionId":"v1","s3BucketArn":"arn:aws:s3:::photos"}]})");
  const BatchJobEvent read = BatchJobEvent::from_json(written);
  EXPECT_EQ(read.tasks[0].bucket, "photos");
  EXPECT_EQ(read.tasks[0].key, "holiday photos/a+b é.jpg");
  EXPECT_TRUE(read.user_arguments.empty());
}

TEST(BatchJobEvent, RefusesWhatIsNotAPayloadNamingTheField) {
  auto refusal = [](const char* text) {
    try {
      BatchJobEvent::from_json(Json::parse(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(R"({"invocationSchemaVersion":"3.0","tasks":[]})"),
            "event.invocationSchemaVersion is neither 1.0 nor 2.0");
  EXPECT_EQ(refusal(R"({"invocationSchemaVersion":"2.0","invocationId":"i","job":{"id":"j"},"tasks":[{"taskId":"t","s3Key":"k"}]})"),
            "tasks[].s3Bucket is missing");
  EXPECT_EQ(refusal(R"({"invocationSchemaVersion":"1.0","invocationId":"i","job":{"id":"j"},"tasks":[{"taskId":"t","s3Key":"k","s3BucketArn":"photos"}]})"),
            "tasks[].s3BucketArn is not a bucket ARN");
  EXPECT_EQ(refusal(R"({"invocationSchemaVersion":"2.0","invocationId":"i","job":{"id":"j","userArguments":{"n":1}},"tasks":[]})"),
            "event.job.userArguments.n is not a string");
  EXPECT_FALSE(BatchJobEvent::matches(Json::parse(R"({"Records":[]})")));
}

TEST(BatchResponse, AnswersEachTaskUnderTheEventsVersionAndId) {
  BatchJobEvent event;
  event.schema_version = "2.0";
  event.invocation_id = "inv";
  EXPECT_EQ(batch_response(event, {{"t1", "Succeeded", "ok"}, {"t2", "TemporaryFailure", "later"}}).dump(),
            R"({"invocationSchemaVersion":"2.0","treatMissingKeysAs":"PermanentFailure","invocationId":"inv",)"
            R"("results":[{"taskId":"t1","resultCode":"Succeeded","resultString":"ok"},)"
            R"({"taskId":"t2","resultCode":"TemporaryFailure","resultString":"later"}]})");
}

}  // namespace
}  // namespace bf
