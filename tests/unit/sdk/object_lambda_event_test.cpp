#include "sdk/object_lambda_event.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bf {
namespace {

// The GetObject example of the S3 user guide's "Event context format and usage", in its field order.
constexpr const char* kAwsExample =
    R"({"xAmzRequestId":"requestId",)"
    R"("getObjectContext":{"inputS3Url":"https://my-s3-ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/example?X-Amz-Security-Token=<snip>",)"
    R"("outputRoute":"io-use1-001","outputToken":"OutputToken"},)"
    R"("configuration":{"accessPointArn":"arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/example-object-lambda-ap",)"
    R"("supportingAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/example-ap","payload":"{}"},)"
    R"("userRequest":{"url":"https://object-lambda-111122223333.s3-object-lambda.us-east-1.amazonaws.com/example",)"
    R"("headers":{"Host":"object-lambda-111122223333.s3-object-lambda.us-east-1.amazonaws.com","Accept-Encoding":"identity","X-Amz-Content-SHA256":"e3b0c44298fc1example"}},)"
    R"("userIdentity":{"type":"AssumedRole","principalId":"principalId","arn":"arn:aws:sts::111122223333:assumed-role/Admin/example",)"
    R"("accountId":"111122223333","accessKeyId":"accessKeyId","sessionContext":{"attributes":{"mfaAuthenticated":"false",)"
    R"("creationDate":"Wed Mar 10 23:41:52 UTC 2021"},"sessionIssuer":{"type":"Role","principalId":"principalId",)"
    R"("arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"}}},)"
    R"("protocolVersion":"1.00"})";

TEST(ObjectLambdaEvent, ReadsAndWritesTheGetObjectExampleByteForByte) {
  const ObjectLambdaEvent event = ObjectLambdaEvent::from_json(Json::parse(kAwsExample));
  EXPECT_EQ(event.context, "getObjectContext");
  EXPECT_EQ(event.output_route, "io-use1-001");
  EXPECT_EQ(event.output_token, "OutputToken");
  EXPECT_EQ(event.supporting_access_point_arn, "arn:aws:s3:us-east-1:111122223333:accesspoint/example-ap");
  EXPECT_EQ(event.payload, "{}");
  ASSERT_EQ(event.user_request_headers.size(), 3u);
  EXPECT_EQ(event.user_request_headers[0].first, "Host");
  EXPECT_EQ(event.to_json().dump(), kAwsExample);
  EXPECT_TRUE(ObjectLambdaEvent::matches(Json::parse(kAwsExample)));
}

TEST(ObjectLambdaEvent, HeadAndListContextsCarryOnlyTheInputUrl) {
  ObjectLambdaEvent event;
  event.request_id = "r";
  event.context = "listObjectsV2Context";
  event.input_s3_url = "http://127.0.0.1:4566/ap-alias?list-type=2";
  event.output_route = "ignored";
  const Json written = event.to_json();
  EXPECT_EQ(written["listObjectsV2Context"].dump(), R"({"inputS3Url":"http://127.0.0.1:4566/ap-alias?list-type=2"})");
  const ObjectLambdaEvent read = ObjectLambdaEvent::from_json(written);
  EXPECT_EQ(read.context, "listObjectsV2Context");
  EXPECT_EQ(read.output_route, "");
}

TEST(ObjectLambdaEvent, RefusesWhatIsNotAnEventNamingTheField) {
  auto refusal = [](const char* text) {
    try {
      ObjectLambdaEvent::from_json(Json::parse(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(R"({"xAmzRequestId":"r","configuration":{}})"),
            "event has no getObjectContext, headObjectContext or listing context");
  EXPECT_EQ(refusal(R"({"xAmzRequestId":"r","getObjectContext":{"inputS3Url":"u"}})"),
            "event.getObjectContext.outputRoute is missing");
  EXPECT_EQ(refusal(R"({"xAmzRequestId":"r","headObjectContext":{"inputS3Url":1}})"),
            "event.headObjectContext.inputS3Url is not a string");
  EXPECT_FALSE(ObjectLambdaEvent::matches(Json::parse(R"({"Records":[]})")));
}

}  // namespace
}  // namespace bf
