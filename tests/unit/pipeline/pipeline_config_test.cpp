#include "emulator/pipeline/pipeline_config.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

const std::vector<std::string> kHandlers = {"echo", "fail"};

std::string error_of(const char* text) {
  auto parsed = parse_pipeline(Json::parse(text), kHandlers, "us-east-1");
  auto* err = std::get_if<std::string>(&parsed);
  return err ? *err : "";
}

TEST(PipelineConfig, ReadsFunctionsBucketsAndNotifications) {
  auto parsed = parse_pipeline(Json::parse(R"({
    "functions": [
      {"name": "thumb", "handler": "echo", "memory_size": 256, "timeout": 30,
       "environment": {"OUT": "processed"}, "reserved_concurrency": 2,
       "maximum_retry_attempts": 1, "on_failure": "arn:aws:s3:::dlq", "on_success": "index"},
      {"name": "index", "handler": "echo"}],
    "buckets": [{"name": "ingest", "versioning": "Enabled", "notifications": [
      {"function": "thumb", "events": ["s3:ObjectCreated:*"], "prefix": "in/"}]}]})"),
                               kHandlers, "us-east-1");
  ASSERT_TRUE(std::holds_alternative<PipelineConfig>(parsed)) << std::get<std::string>(parsed);
  const auto& p = std::get<PipelineConfig>(parsed);
  const FunctionConfig& thumb = p.functions[0];
  EXPECT_EQ(thumb.memory_mb, 256);
  EXPECT_EQ(thumb.timeout_s, 30);
  EXPECT_EQ(thumb.environment.at("OUT"), "processed");
  EXPECT_EQ(thumb.reserved_concurrency, std::optional<int>(2));
  EXPECT_EQ(thumb.async.maximum_retry_attempts, 1);
  EXPECT_TRUE(thumb.async.on_failure.is_bucket());
  EXPECT_EQ(thumb.async.on_success.arn, "arn:aws:lambda:us-east-1:000000000000:function:index");
  EXPECT_EQ(p.functions[1].timeout_s, 3);  // Lambda's defaults
  EXPECT_EQ(p.functions[1].memory_mb, 128);
  ASSERT_EQ(p.buckets[0].notifications.functions.size(), 1u);
  EXPECT_EQ(p.buckets[0].notifications.functions[0].function_arn,
            "arn:aws:lambda:us-east-1:000000000000:function:thumb");
}

TEST(PipelineConfig, ReadsLifecycleAndTieringInTheShapeBoto3Takes) {
  auto parsed = parse_pipeline(Json::parse(R"({
    "buckets": [{"name": "archive",
      "lifecycle": {"TransitionDefaultMinimumObjectSize": "varies_by_storage_class", "Rules": [
        {"ID": "old", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "raw/", "ObjectSizeGreaterThan": 10, "Tags": [{"Key": "k", "Value": "v"}]}},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
         "Expiration": {"Days": 365}},
        {"ID": "versions", "Status": "Disabled", "Filter": {},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2},
         "Expiration": {"ExpiredObjectDeleteMarker": true}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]},
      "intelligent_tiering": [{"Id": "cold", "Status": "Enabled", "Filter": {"Prefix": "raw/"},
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}]}]})"),
                               kHandlers, "us-east-1");
  ASSERT_TRUE(std::holds_alternative<PipelineConfig>(parsed)) << std::get<std::string>(parsed);
  const BucketDeclaration& b = std::get<PipelineConfig>(parsed).buckets[0];
  ASSERT_TRUE(b.lifecycle);
  EXPECT_EQ(b.lifecycle->transition_minimum_size, "varies_by_storage_class");
  ASSERT_EQ(b.lifecycle->rules.size(), 2u);
  const LifecycleRule& old = b.lifecycle->rules[0];
  EXPECT_EQ(old.filter.prefix, "raw/");
  EXPECT_EQ(old.filter.size_greater_than, std::optional<std::uint64_t>(10));
  EXPECT_EQ(old.filter.tags, (Pairs{{"k", "v"}}));
  ASSERT_EQ(old.transitions.size(), 2u);
  EXPECT_EQ(old.transitions[1].storage_class, "GLACIER");
  EXPECT_EQ(old.expiration_days, std::optional<int>(365));
  EXPECT_FALSE(b.lifecycle->rules[1].enabled);
  EXPECT_TRUE(b.lifecycle->rules[1].expired_object_delete_marker);
  EXPECT_EQ(b.lifecycle->rules[1].abort_incomplete_upload_days, std::optional<int>(7));
  EXPECT_EQ(b.lifecycle->rules[1].noncurrent_expiration->newer_noncurrent_versions, std::optional<int>(2));
  ASSERT_EQ(b.intelligent_tiering.size(), 1u);
  EXPECT_EQ(b.intelligent_tiering[0].archive_access_days, std::optional<int>(90));
  EXPECT_EQ(b.intelligent_tiering[0].deep_archive_access_days, std::optional<int>(180));

  EXPECT_EQ(error_of(R"({"buckets": [{"name": "aaa", "lifecycle": {"Rules": [{"ID": "x", "Status": "On", "Filter": {},
                         "Expiration": {"Days": 1}}]}}]})"),
            "buckets[0].lifecycle: MalformedXML: The XML you provided was not well-formed or did not validate "
            "against our published schema");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "aaa", "lifecycle": {"Rules": [{"ID": "x", "Status": "Enabled",
                         "Filter": {}, "Expiration": {"Days": 1.5}}]}}]})"),
            "buckets[0].lifecycle: Rules[0].Expiration.Days: must be an object, a list, a string, an integer or "
            "true/false");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "aaa", "lifecycle": {"Rules": [{"ID>x</ID><ID": "y"}]}}]})"),
            "buckets[0].lifecycle: Rules[0].ID>x</ID><ID: is not a field S3 takes");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "aaa", "intelligent_tiering": {"Id": "x"}}]})"),
            "buckets[0].intelligent_tiering: must be an array of IntelligentTieringConfiguration objects");
}

TEST(PipelineConfig, ErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "echo", "timeout": 0}]})"),
            "functions[0].timeout: must be an integer from 1 to 900");
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "nope"}]})"),
            "functions[0].handler: \"nope\" is not a registered handler (known: echo, fail)");
  EXPECT_EQ(error_of(R"({"functions": [{"handler": "echo"}]})"), "functions[0].name: is required");
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "echo"}, {"name": "a", "handler": "echo"}]})"),
            "functions[1].name: \"a\" is declared twice");
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "echo", "maximum_retry_attempts": 3}]})"),
            "functions[0].maximum_retry_attempts: must be an integer from 0 to 2");
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "echo", "on_success": "arn:aws:s3:::b"}]})"),
            "functions[0].on_success: S3 buckets are allowed as on_failure destinations only, as on AWS");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "Bad_Name"}]})"),
            "buckets[0].name: \"Bad_Name\" is not a valid S3 bucket name");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "bbb", "notifications": [{"function": "x", "events": ["s3:ObjectCreated:*"]}]}]})"),
            "buckets[0].notifications[0].function: \"x\" is not a declared function");
  EXPECT_EQ(error_of(R"({"functions": [{"name": "a", "handler": "echo"}], "buckets": [{"name": "bbb", "notifications": [{"function": "a", "events": ["s3:Nope"]}]}]})"),
            "buckets[0].notifications: The event is not supported for notifications");
  EXPECT_EQ(error_of(R"({"bukets": []})"), "pipeline.bukets: unknown field");
}

TEST(PipelineConfig, ReadsAccessPointsAndObjectLambdaAccessPoints) {
  auto parsed = parse_pipeline(Json::parse(R"({
    "functions": [{"name": "reencode", "handler": "echo"}],
    "buckets": [{"name": "processed"}],
    "access_points": [{"name": "processed-images", "bucket": "processed"}],
    "object_lambda_access_points": [{"name": "for-clients", "supporting_access_point": "processed-images",
      "allowed_features": ["GetObject-Range"],
      "transformations": [{"actions": ["GetObject", "HeadObject"], "function": "reencode", "payload": "{}"}]}]})"),
                               kHandlers, "us-east-1");
  ASSERT_TRUE(std::holds_alternative<PipelineConfig>(parsed)) << std::get<std::string>(parsed);
  const auto& p = std::get<PipelineConfig>(parsed);
  ASSERT_EQ(p.access_points.size(), 1u);
  EXPECT_EQ(p.access_points[0].bucket, "processed");
  ASSERT_EQ(p.object_lambda_access_points.size(), 1u);
  const auto& ol = p.object_lambda_access_points[0];
  EXPECT_EQ(ol.supporting_access_point, "processed-images");
  EXPECT_EQ(ol.allowed_features, std::vector<std::string>{"GetObject-Range"});
  ASSERT_EQ(ol.transformations.size(), 1u);
  EXPECT_EQ(ol.transformations[0].function_arn, "arn:aws:lambda:us-east-1:000000000000:function:reencode");
  EXPECT_EQ(ol.transformations[0].function_payload, "{}");

  EXPECT_EQ(error_of(R"({"buckets": [{"name": "bbb"}], "access_points": [{"name": "ap", "bucket": "bbb"}]})"),
            "access_points[0].name: must be 3-50 lowercase letters, digits and hyphens, as AWS names access points");
  EXPECT_EQ(error_of(R"({"access_points": [{"name": "apx", "bucket": "nope"}]})"),
            "access_points[0].bucket: \"nope\" is not a declared bucket");
  EXPECT_EQ(error_of(R"({"object_lambda_access_points": [{"name": "olx", "supporting_access_point": "apx",
                         "transformations": [{"actions": ["GetObject"], "function": "f"}]}]})"),
            "object_lambda_access_points[0].supporting_access_point: \"apx\" is not a declared access point");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "bbb"}], "access_points": [{"name": "apx", "bucket": "bbb"}],
                         "object_lambda_access_points": [{"name": "olx", "supporting_access_point": "apx",
                         "transformations": [{"actions": ["PutObject"], "function": "f"}]}]})"),
            "object_lambda_access_points[0].transformations[0].actions: \"PutObject\" is not GetObject, HeadObject, "
            "ListObjects or ListObjectsV2");
  EXPECT_EQ(error_of(R"({"buckets": [{"name": "bbb"}], "access_points": [{"name": "apx", "bucket": "bbb"}],
                         "object_lambda_access_points": [{"name": "olx", "supporting_access_point": "apx",
                         "transformations": [{"actions": ["GetObject"], "function": "f"}]}]})"),
            "object_lambda_access_points[0].transformations[0].function: \"f\" is not a declared function");
}

}  // namespace
}  // namespace bf
