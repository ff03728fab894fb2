#include "emulator/s3/access_points.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(AccessPointArn, ReadsWhatItWrites) {
  const auto parts = parse_access_point_arn(access_point_arn("eu-west-1", "000000000000", "images"));
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->region, "eu-west-1");
  EXPECT_EQ(parts->account, "000000000000");
  EXPECT_EQ(parts->name, "images");
}

TEST(AccessPointArn, RefusesOtherText) {
  for (const char* text : {"", "images", "arn:aws:s3:::bucket", "arn:aws:s3:eu-west-1:000000000000:accesspoint/",
                           "arn:aws:s3::000000000000:accesspoint/images", "arn:aws:s3:eu-west-1::accesspoint/images",
                           "arn:aws:s3:eu-west-1:000000000000:accesspoint/images/object/key",
                           "arn:aws:s3-object-lambda:eu-west-1:000000000000:accesspoint/images",
                           "arn:aws:s3:eu-west-1:000000000000:job/images"})
    EXPECT_FALSE(parse_access_point_arn(text)) << text;
}

}  // namespace
}  // namespace bf
