// The invocation records and function logs the server keeps in memory stay bounded however
// many invocations run and however much a function prints, keeping the newest.
#include <gtest/gtest.h>

#include <string>

#include "emulator/lambda/invocation_log.h"

namespace bf {
namespace {

TEST(InvocationLog, KeepsTheNewestThousandRecords) {
  InvocationLog log(nullptr);
  for (int i = 0; i < 5000; ++i) {
    InvocationRecord r;
    r.function = i % 2 ? "odd" : "even";
    r.request_id = std::to_string(i);
    log.add(std::move(r));
  }
  auto all = log.recent("", 100000);
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_EQ(all.front().request_id, "4999");  // newest first
  EXPECT_EQ(all.back().request_id, "4000");
  EXPECT_EQ(log.recent("odd", 100000).size(), 500u);
  EXPECT_EQ(log.recent("odd", 3).size(), 3u);
}

TEST(InvocationLog, KeepsAFunctionsNewestLinesWithinItsBound) {
  InvocationLog log(nullptr);
  const std::string line(1000, 'x');
  for (int i = 0; i < 2000; ++i) log.write_line("chatty", std::to_string(i) + " " + line);
  const std::string kept = log.function_log("chatty");
  EXPECT_LE(kept.size(), 256u * 1024u);
  EXPECT_GT(kept.size(), 200u * 1024u);
  EXPECT_NE(kept.find("1999 "), std::string::npos);  // the newest line is there
  EXPECT_EQ(kept.find("\n0 "), std::string::npos);    // the oldest is gone
  EXPECT_FALSE(kept.starts_with("0 "));

  // A single line over the bound is kept whole: the newest line always stays.
  log.write_line("shouty", std::string(300 * 1024, 'y'));
  EXPECT_EQ(log.function_log("shouty").size(), 300u * 1024u + 1u);
  EXPECT_EQ(log.function_log("quiet"), "");
}

}  // namespace
}  // namespace bf
