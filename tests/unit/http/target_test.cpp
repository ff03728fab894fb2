// Request targets as every service reads them: the path as sent and decoded, and the query.
#include <gtest/gtest.h>

#include "emulator/http/target.h"

namespace bf {
namespace {

TEST(RequestTarget, SplitsAndDecodesPathAndQuery) {
  auto t = parse_target("/bucket/a%20b%2Fc?list-type=2&prefix=x+y&delimiter=%2F&uploads");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->raw_path, "/bucket/a%20b%2Fc");
  EXPECT_EQ(t->path, "/bucket/a b/c");
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(*t->query_param("prefix"), "x y");  // '+' is a space in a query
  EXPECT_EQ(*t->query_param("delimiter"), "/");
  EXPECT_EQ(*t->query_param("uploads"), "");
  EXPECT_TRUE(t->has_query("list-type"));
  EXPECT_FALSE(t->has_query("versions"));
}

TEST(RequestTarget, KeepsTheQueryInTheOrderSent) {
  auto t = parse_target("/?b=2&a=1&&b=3");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query, (sigv4::Params{{"b", "2"}, {"a", "1"}, {"b", "3"}}));
}

TEST(RequestTarget, RefusesWhatDoesNotDecode) {
  TargetError why{};
  EXPECT_FALSE(parse_target("/b?x=%zz", &why));
  EXPECT_EQ(why, TargetError::MalformedQuery);
  EXPECT_FALSE(parse_target("/b%", &why));
  EXPECT_EQ(why, TargetError::InvalidPath);
  EXPECT_FALSE(parse_target("bucket/key", &why));  // not origin-form
  EXPECT_EQ(why, TargetError::InvalidPath);
  EXPECT_FALSE(parse_target("", &why));
}

TEST(RequestTarget, AbsoluteFormGivesItsAuthorityAndOriginForm) {
  auto a = split_absolute_form("http://000000000000.localhost:4566/v20180820/jobs?maxResults=2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->authority, "000000000000.localhost:4566");
  EXPECT_EQ(a->origin_form, "/v20180820/jobs?maxResults=2");
  a = split_absolute_form("HTTPS://bucket.s3.localhost");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->authority, "bucket.s3.localhost");
  EXPECT_EQ(a->origin_form, "/");
  a = split_absolute_form("http://127.0.0.1:4566?list-type=2#part");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->origin_form, "/?list-type=2");
  EXPECT_FALSE(split_absolute_form("/bucket/http://x"));
  EXPECT_FALSE(split_absolute_form("http://"));
  EXPECT_FALSE(split_absolute_form("http://user:secret@127.0.0.1/"));  // no user information
  EXPECT_FALSE(split_absolute_form("ftp://127.0.0.1/"));
}

}  // namespace
}  // namespace bf
