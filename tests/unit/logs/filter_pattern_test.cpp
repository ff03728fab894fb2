#include "emulator/logs/filter_pattern.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

FilterPattern pattern(const char* text) {
  auto parsed = FilterPattern::parse(text);
  if (auto* why = std::get_if<std::string>(&parsed)) ADD_FAILURE() << text << ": " << *why;
  return std::get<FilterPattern>(parsed);
}

std::string error_of(const char* text) {
  auto parsed = FilterPattern::parse(text);
  auto* why = std::get_if<std::string>(&parsed);
  return why ? *why : "";
}

TEST(FilterPattern, TermsPhrasesAlternativesAndExclusions) {
  EXPECT_TRUE(pattern("").matches("anything"));
  EXPECT_TRUE(pattern("ERROR").matches("an ERROR here"));
  EXPECT_FALSE(pattern("ERROR").matches("an error here"));  // case-sensitive
  EXPECT_TRUE(pattern("ERROR timeout").matches("ERROR: a timeout"));
  EXPECT_FALSE(pattern("ERROR timeout").matches("ERROR: refused"));
  EXPECT_TRUE(pattern("\"Task timed out\"").matches("2026 Task timed out after 3.00 seconds"));
  EXPECT_FALSE(pattern("\"Task timed out\"").matches("Task out timed"));
  EXPECT_TRUE(pattern("?ERROR ?WARN").matches("WARN slow"));
  EXPECT_FALSE(pattern("?ERROR ?WARN").matches("INFO fine"));
  EXPECT_TRUE(pattern("REPORT -Timeout").matches("REPORT RequestId: 1"));
  EXPECT_FALSE(pattern("REPORT -Timeout").matches("REPORT Timeout"));
}

TEST(FilterPattern, JsonSelectorsAndComparisons) {
  const char* event = R"({"level": "error", "latency": 250, "user": {"id": 5, "tags": ["a", "b"]}, "ok": false,
                          "gone": null, "path": "/images/123/thumb"})";
  EXPECT_TRUE(pattern(R"({ $.level = "error" })").matches(event));
  EXPECT_TRUE(pattern("{ $.level = error }").matches(event));
  EXPECT_FALSE(pattern(R"({ $.level != "error" })").matches(event));
  EXPECT_TRUE(pattern("{ $.latency > 100 }").matches(event));
  EXPECT_TRUE(pattern("{ $.latency >= 250 && $.latency <= 250 }").matches(event));
  EXPECT_FALSE(pattern("{ $.latency < 100 }").matches(event));
  EXPECT_TRUE(pattern("{ $.user.id = 5 }").matches(event));
  EXPECT_TRUE(pattern(R"({ $.user.tags[1] = "b" })").matches(event));
  EXPECT_TRUE(pattern(R"({ $.path = "/images/*/thumb" })").matches(event));
  EXPECT_TRUE(pattern(R"({ ($.level = "info" || $.latency > 200) && $.user.id = 5 })").matches(event));
  EXPECT_FALSE(pattern(R"({ $.level = "info" || $.latency > 300 })").matches(event));
  EXPECT_TRUE(pattern("{ $.gone IS NULL }").matches(event));
  EXPECT_TRUE(pattern("{ $.missing NOT EXISTS }").matches(event));
  EXPECT_FALSE(pattern("{ $.level NOT EXISTS }").matches(event));
  EXPECT_TRUE(pattern("{ $.ok IS FALSE }").matches(event));
  EXPECT_FALSE(pattern("{ $.ok IS TRUE }").matches(event));
  EXPECT_FALSE(pattern("{ $.latency > 100 }").matches("not json at all"));
  EXPECT_FALSE(pattern("{ $.latency > 100 }").matches("[1, 2]"));
}

TEST(FilterPattern, WhatCannotBeReadSaysWhy) {
  EXPECT_EQ(error_of("{ $.a = 1"), "Invalid filter pattern: { is not closed");
  EXPECT_EQ(error_of("{ level = 1 }"), "Invalid filter pattern: a selector starts with $");
  EXPECT_EQ(error_of("{ $.a > \"x\" }"), "Invalid filter pattern: > compares numbers only");
  EXPECT_EQ(error_of("{ ($.a = 1 }"), "Invalid filter pattern: a parenthesis is not closed");
  EXPECT_EQ(error_of("\"open"), "Invalid filter pattern: a quoted term is not closed");
  EXPECT_EQ(error_of("[ip, user]"),
            "Invalid filter pattern: space-delimited patterns ([...]) are not supported by bucketfire");
  EXPECT_NE(error_of("{ $.a = 1 } trailing"), "");
}

}  // namespace
}  // namespace bf
