#include "emulator/lambda/function_registry.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "emulator/lambda/function_record.h"
#include "emulator/store/store.h"
#include "tests/unit/support.h"

namespace bf {
namespace {

namespace fs = std::filesystem;

using test_support::TempDir;

using test_support::open_store;

HandlerCatalog catalog() {
  return {{"echo", [](const Json& event, Context&) { return event; }}};
}

FunctionConfig declared(const std::string& name) {
  FunctionConfig fn;
  fn.name = name;
  fn.handler = "echo";
  fn.timeout_s = 10;
  return fn;
}

TEST(FunctionRecord, RoundTripsEveryField) {
  FunctionConfig fn = declared("f");
  fn.command = "python3 run.py";
  fn.code_path = "/data/functions/packages/f.zip";
  fn.description = "d";
  fn.memory_mb = 512;
  fn.environment = {{"A", "1"}, {"B", "two"}};
  fn.reserved_concurrency = 4;
  fn.recursive_loop_allowed = true;
  fn.async.configured = true;
  fn.async.maximum_retry_attempts = 0;
  fn.async.maximum_event_age_seconds = 120;
  fn.async.on_failure.arn = "arn:aws:s3:::dlq";
  fn.url_auth = "NONE";
  fn.url_cors.configured = true;
  fn.url_cors.allow_origins = {"https://example.com"};
  fn.url_cors.max_age = 60;
  fn.last_modified_ms = 1234;
  fn.revision_id = "r";
  auto back = parse_function_record(function_record(fn));
  ASSERT_TRUE(back);
  EXPECT_EQ(function_record(*back), function_record(fn));
  EXPECT_FALSE(parse_function_record("{\"version\": 2}"));
  EXPECT_FALSE(parse_function_record("not json"));
  EXPECT_FALSE(parse_function_record("{\"version\": 1}"));  // no name
}

TEST(FunctionRegistry, ChangesMadeAfterKeepInComeBackOnTheNextStart) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    FunctionRegistry registry("us-east-1", catalog());
    ASSERT_FALSE(registry.put(declared("from-file")));
    EXPECT_TRUE(registry.keep_in(store->documents()).empty());
    ASSERT_FALSE(registry.put(declared("from-api")));
    ASSERT_FALSE(registry.put(declared("deleted")));
    ASSERT_TRUE(registry.update("from-file", [](FunctionConfig& f) {
      f.reserved_concurrency = 2;
      f.timeout_s = 99;  // not an API-made setting of a declared function: the file wins
    }));
    ASSERT_TRUE(registry.remove("deleted"));
    EXPECT_TRUE(registry.remove("never-there").is_not_found());
    EXPECT_TRUE(registry.update("never-there", [](FunctionConfig&) {}).error().is_not_found());
  }
  auto store = open_store(dir.path());
  FunctionRegistry registry("us-east-1", catalog());
  ASSERT_FALSE(registry.put(declared("from-file")));  // the pipeline file, read again
  EXPECT_TRUE(registry.keep_in(store->documents()).empty());
  auto from_file = registry.find("from-file");
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->reserved_concurrency, 2);
  EXPECT_EQ(from_file->timeout_s, 10);
  EXPECT_TRUE(registry.find("from-api"));
  EXPECT_FALSE(registry.find("deleted"));
}

TEST(FunctionRegistry, CreateRefusesATakenName) {
  FunctionRegistry registry("us-east-1", catalog());
  EXPECT_TRUE(registry.create(declared("f")));
  EXPECT_EQ(registry.create(declared("f")).code(), Status::Code::AlreadyExists);
  FunctionConfig unknown = declared("g");
  unknown.handler = "no-such-handler";
  EXPECT_EQ(registry.create(unknown).code(), Status::Code::Invalid);
  EXPECT_FALSE(registry.find("g"));
}

TEST(FunctionRegistry, UnreadableOrUnknownRecordsAreReportedNotLoaded) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->documents().put_document("function", "garbled", "{"));
  FunctionConfig gone = declared("gone");
  gone.handler = "a-handler-this-build-lacks";
  ASSERT_TRUE(store->documents().put_document("function", "gone", function_record(gone)));
  FunctionRegistry registry("us-east-1", catalog());
  auto problems = registry.keep_in(store->documents());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_FALSE(registry.find("garbled"));
  EXPECT_FALSE(registry.find("gone"));
}

TEST(FunctionName, FollowsLambdasPattern) {
  EXPECT_EQ(function_name_of("made"), "made");
  EXPECT_EQ(function_name_of("arn:aws:lambda:us-east-1:000000000000:function:made"), "made");
  EXPECT_EQ(function_name_of("000000000000:function:made"), "made");
  EXPECT_EQ(function_name_of("made:$LATEST"), "made");
  EXPECT_EQ(function_name_of("my_fn-2"), "my_fn-2");
  for (const char* bad : {"../../x", "a/b", "", "bad name", "x\n", "..", "a.b"})
    EXPECT_EQ(function_name_of(bad), "") << bad;
}

}  // namespace
}  // namespace bf
