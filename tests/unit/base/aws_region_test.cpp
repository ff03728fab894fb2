#include "emulator/base/aws_region.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(AwsRegionName, TheShapesOfAwsRegionsAreAccepted) {
  for (const char* name : {"us-east-1", "eu-west-3", "ap-southeast-5", "us-gov-west-1", "cn-northwest-1",
                           "us-isob-east-1", "mx-central-1", "il-central-1"})
    EXPECT_TRUE(is_aws_region_name(name)) << name;
}

TEST(AwsRegionName, AnythingElseIsNot) {
  for (const char* name : {"", "us", "us-east", "us-east-", "US-EAST-1", "us_east_1", "u-east-1", "us--east-1",
                           "us-east-1a", "us-east-x", "us-1", "us-east-1 ", "mars-1", "aa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-1"})
    EXPECT_FALSE(is_aws_region_name(name)) << name;
}

}  // namespace
}  // namespace bf
