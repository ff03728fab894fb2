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

}  // namespace
}  // namespace bf
