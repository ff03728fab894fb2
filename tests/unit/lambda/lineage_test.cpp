#include "emulator/lambda/lineage.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(Lineage, CountsInvocationsPerFunctionThroughTheTraceHeader) {
  Lineage none = Lineage::from_trace_header("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_TRUE(none.empty());
  Lineage once = none.with_invocation_of("thumb");
  Lineage twice = once.with_invocation_of("thumb").with_invocation_of("index");
  EXPECT_EQ(twice.count("thumb"), 2);
  EXPECT_EQ(twice.count("index"), 1);
  EXPECT_EQ(twice.count("other"), 0);

  std::string header = new_trace_header(twice);
  EXPECT_TRUE(header.starts_with("Root=1-"));
  EXPECT_NE(header.find(";Lineage="), std::string::npos);
  Lineage back = Lineage::from_trace_header(header);
  EXPECT_EQ(back.count("thumb"), 2);
  EXPECT_EQ(back.count("index"), 1);
  EXPECT_EQ(back.field(), twice.field());
}

TEST(Lineage, ReadsAwsFieldFormAndIgnoresGarbage) {
  Lineage aws = Lineage::from_field("061379e8:0|cbc84ad3:5");
  EXPECT_EQ(aws.field(), "061379e8:0|cbc84ad3:5");
  EXPECT_TRUE(Lineage::from_field("nonsense").empty());
  EXPECT_TRUE(Lineage::from_field("061379e8:x").empty());
  EXPECT_TRUE(Lineage::from_field("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8:1").empty());  // hashes are hex
  EXPECT_TRUE(Lineage::from_trace_header("Root=1-a;Lineage=bad").empty());
}

}  // namespace
}  // namespace bf
