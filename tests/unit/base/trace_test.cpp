#include "emulator/base/trace.h"

#include <gtest/gtest.h>

#include <regex>

namespace bf {
namespace {

TEST(TraceHeader, ReadsAndWritesXRaysFields) {
  const auto h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793; Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bdbe8:3");
  EXPECT_EQ(h.root, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(h.parent, "53995c3f42cd8ad8");
  EXPECT_EQ(h.sampled, "1");
  EXPECT_EQ(h.lineage, "a87bdbe8:3");
  EXPECT_EQ(h.format(), "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bdbe8:3");
  EXPECT_EQ(TraceHeader::parse("").root, "");
  EXPECT_EQ(TraceHeader::parse("garbage;;=;Root").root, "");
}

TEST(TraceHeader, NewIdsHaveXRaysShape) {
  EXPECT_TRUE(std::regex_match(new_trace_root(), std::regex("1-[0-9a-f]{8}-[0-9a-f]{24}")));
  EXPECT_TRUE(std::regex_match(new_segment_id(), std::regex("[0-9a-f]{16}")));
  EXPECT_NE(new_segment_id(), new_segment_id());
}

TEST(TraceStore, KeepsTheNewestTracesAndWritesSegmentDocuments) {
  TraceStore store("us-east-1", "000000000000", 2);
  for (const char* id : {"1-a", "1-b", "1-c"}) {
    TraceSegment s;
    s.trace_id = id;
    s.id = "0000000000000001";
    s.name = "S3";
    s.origin = "AWS::S3";
    s.start_time = 1;
    s.end_time = 2;
    s.method = "PUT";
    s.url = "/b/k";
    s.status = 503;
    s.fault = true;
    s.operation = "PutObject";
    store.add(s);
  }
  EXPECT_TRUE(store.segments("1-a").empty());  // the oldest went
  const auto docs = store.segments("1-c");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["http"]["response"]["status"], 503);
  EXPECT_EQ(docs[0]["aws"]["operation"], "PutObject");
  EXPECT_EQ(docs[0]["fault"], true);
  EXPECT_FALSE(docs[0].contains("parent_id"));
  const auto recent = store.recent(10);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].id, "1-c");
  EXPECT_TRUE(recent[0].fault);
}

}  // namespace
}  // namespace bf
