// Function references in every form Lambda's FunctionName takes, and what is not one.
#include <gtest/gtest.h>

#include "emulator/lambda/arn.h"

namespace bf {
namespace {

void expect_ref(std::string_view text, const char* name, const char* qualifier) {
  auto ref = parse_function_ref(text);
  ASSERT_TRUE(ref) << text;
  EXPECT_EQ(ref->name, name) << text;
  EXPECT_EQ(ref->qualifier, qualifier) << text;
}

TEST(FunctionRef, ReadsNamesPartialAndFullArns) {
  expect_ref("thumbnailer", "thumbnailer", "");
  expect_ref("thumbnailer:$LATEST", "thumbnailer", "$LATEST");
  expect_ref("000000000000:function:thumbnailer", "thumbnailer", "");
  expect_ref("000000000000:function:thumbnailer:prod", "thumbnailer", "prod");
  expect_ref("arn:aws:lambda:us-east-1:000000000000:function:thumbnailer", "thumbnailer", "");
  expect_ref("arn:aws:lambda:eu-west-1:000000000000:function:thumbnailer:7", "thumbnailer", "7");
}

TEST(FunctionRef, RefusesWhatIsNotAFunction) {
  EXPECT_FALSE(parse_function_ref("arn:aws:s3:::bucket"));
  EXPECT_FALSE(parse_function_ref("arn:aws:lambda:us-east-1:000000000000:layer:x:1"));
  EXPECT_FALSE(parse_function_ref("arn:aws:lambda:us-east-1:000000000000:function:"));
  EXPECT_FALSE(parse_function_ref("arn:aws:lambda:us-east-1:000000000000:function:a:b:c"));
  EXPECT_FALSE(parse_function_ref(""));
  EXPECT_FALSE(parse_function_ref("a:b:c"));
}

TEST(FunctionRef, WritesArnsThatReadBack) {
  const std::string arn = function_arn("us-east-1", "indexer");
  EXPECT_EQ(arn, "arn:aws:lambda:us-east-1:000000000000:function:indexer");
  expect_ref(arn, "indexer", "");
}

}  // namespace
}  // namespace bf
