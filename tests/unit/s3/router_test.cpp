#include "emulator/s3/router.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

struct Case {
  const char* method;
  const char* target;
  const char* host;
  const char* extra_header;  // "name: value" or nullptr
  const char* operation;
  const char* bucket;
  const char* key;
};

HttpRequest make_request(const Case& c) {
  HttpRequest r;
  r.method = c.method;
  r.target = c.target;
  r.headers.emplace_back("Host", c.host);
  if (c.extra_header) {
    std::string h = c.extra_header;
    auto colon = h.find(':');
    r.headers.emplace_back(h.substr(0, colon), h.substr(colon + 2));
  }
  return r;
}

const Case kCases[] = {
    // Path style.
    {"GET", "/", "127.0.0.1:4566", nullptr, "ListBuckets", "", ""},
    {"PUT", "/b", "127.0.0.1:4566", nullptr, "CreateBucket", "b", ""},
    {"PUT", "/b/", "127.0.0.1:4566", nullptr, "CreateBucket", "b", ""},
    {"HEAD", "/b", "localhost:4566", nullptr, "HeadBucket", "b", ""},
    {"DELETE", "/b", "localhost", nullptr, "DeleteBucket", "b", ""},
    {"GET", "/b?location", "localhost", nullptr, "GetBucketLocation", "b", ""},
    {"GET", "/b", "localhost", nullptr, "ListObjects", "b", ""},
    {"GET", "/b?list-type=2&prefix=a", "localhost", nullptr, "ListObjectsV2", "b", ""},
    {"GET", "/b?versions", "localhost", nullptr, "ListObjectVersions", "b", ""},
    {"GET", "/b?uploads", "localhost", nullptr, "ListMultipartUploads", "b", ""},
    {"POST", "/b?delete", "localhost", nullptr, "DeleteObjects", "b", ""},
    {"PUT", "/b?cors", "localhost", nullptr, "PutBucketCors", "b", ""},
    {"GET", "/b?notification", "localhost", nullptr, "GetBucketNotificationConfiguration", "b", ""},
    {"GET", "/b/k", "localhost", nullptr, "GetObject", "b", "k"},
    {"HEAD", "/b/k", "localhost", nullptr, "HeadObject", "b", "k"},
    {"PUT", "/b/k", "localhost", nullptr, "PutObject", "b", "k"},
    {"PUT", "/b/k", "localhost", "x-amz-copy-source: /a/b", "CopyObject", "b", "k"},
    {"PUT", "/b/k?partNumber=1&uploadId=u", "localhost", nullptr, "UploadPart", "b", "k"},
    {"PUT", "/b/k?partNumber=1&uploadId=u", "localhost", "x-amz-copy-source: a/b", "UploadPartCopy", "b", "k"},
    {"POST", "/b/k?uploads", "localhost", nullptr, "CreateMultipartUpload", "b", "k"},
    {"POST", "/b/k?uploadId=u", "localhost", nullptr, "CompleteMultipartUpload", "b", "k"},
    {"DELETE", "/b/k?uploadId=u", "localhost", nullptr, "AbortMultipartUpload", "b", "k"},
    {"GET", "/b/k?uploadId=u", "localhost", nullptr, "ListParts", "b", "k"},
    {"GET", "/b/k?tagging", "localhost", nullptr, "GetObjectTagging", "b", "k"},
    {"PUT", "/b/k?tagging", "localhost", nullptr, "PutObjectTagging", "b", "k"},
    {"DELETE", "/b/k?tagging", "localhost", nullptr, "DeleteObjectTagging", "b", "k"},
    {"DELETE", "/b/k", "localhost", nullptr, "DeleteObject", "b", "k"},
    // Keys are decoded once and kept literally: no dot-segment or slash normalisation.
    {"GET", "/b/a%20b/..%2Fc", "localhost", nullptr, "GetObject", "b", "a b/../c"},
    {"GET", "/b/a//b/../c", "localhost", nullptr, "GetObject", "b", "a//b/../c"},
    {"GET", "/b/a+b", "localhost", nullptr, "GetObject", "b", "a+b"},
    {"GET", "/b/%F0%9F%98%80", "localhost", nullptr, "GetObject", "b", "\xF0\x9F\x98\x80"},
    // Virtual-hosted style on each base name.
    {"GET", "/", "b.localhost:4566", nullptr, "ListObjects", "b", ""},
    {"GET", "/k/x", "b.localhost:4566", nullptr, "GetObject", "b", "k/x"},
    {"PUT", "/k", "my.bucket.s3.localhost:4566", nullptr, "PutObject", "my.bucket", "k"},
    {"GET", "/?list-type=2", "b.s3.us-east-1.localhost", nullptr, "ListObjectsV2", "b", ""},
    {"GET", "/k", "b.s3.amazonaws.com", nullptr, "GetObject", "b", "k"},
    {"GET", "/b/k", "s3.localhost:4566", nullptr, "GetObject", "b", "k"},
};

TEST(S3Router, Table) {
  auto options = default_router_options("us-east-1");
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target + " Host: " + c.host);
    auto result = route_s3(make_request(c), options);
    ASSERT_TRUE(std::holds_alternative<Endpoint>(result));
    const Endpoint& e = std::get<Endpoint>(result);
    EXPECT_EQ(e.operation, c.operation);
    EXPECT_EQ(e.bucket, c.bucket);
    EXPECT_EQ(e.key, c.key);
  }
}

TEST(S3Router, CopySourceHeaderMeansCopyObject) {
  Case c{"PUT", "/dst/key", "localhost", "x-amz-copy-source: src/key", "", "", ""};
  auto e = std::get<Endpoint>(route_s3(make_request(c), default_router_options("us-east-1")));
  EXPECT_EQ(e.operation, "CopyObject");
}

TEST(S3Router, QueryIsDecodedWithPlusAsSpace) {
  Case c{"GET", "/b?prefix=a%2Fb+c&delimiter=%2F", "localhost", nullptr, "", "", ""};
  auto e = std::get<Endpoint>(route_s3(make_request(c), default_router_options("us-east-1")));
  ASSERT_NE(e.query_param("prefix"), nullptr);
  EXPECT_EQ(*e.query_param("prefix"), "a/b c");
  EXPECT_EQ(*e.query_param("delimiter"), "/");
}

TEST(S3Router, UnknownMethodIsMethodNotAllowed) {
  Case c{"PATCH", "/b/k", "localhost", nullptr, "", "", ""};
  auto result = route_s3(make_request(c), default_router_options("us-east-1"));
  ASSERT_TRUE(std::holds_alternative<S3Error>(result));
  EXPECT_EQ(std::get<S3Error>(result).code, "MethodNotAllowed");
  EXPECT_EQ(std::get<S3Error>(result).status, 405);
}

TEST(S3Router, MalformedEscapeIsAnError) {
  Case c{"GET", "/b/%zz", "localhost", nullptr, "", "", ""};
  auto result = route_s3(make_request(c), default_router_options("us-east-1"));
  ASSERT_TRUE(std::holds_alternative<S3Error>(result));
}

// Found by fuzz_router: a path-style key under an empty bucket segment was ListBuckets.
TEST(S3Router, AKeyWithoutABucketIsAnError) {
  for (const char* target : {"//k", "//c-?list-type=2&prefix=x", "///"}) {
    SCOPED_TRACE(target);
    Case c{"GET", target, "127.0.0.1:4566", nullptr, "", "", ""};
    auto result = route_s3(make_request(c), default_router_options("us-east-1"));
    ASSERT_TRUE(std::holds_alternative<S3Error>(result));
    EXPECT_EQ(std::get<S3Error>(result).code, "InvalidURI");
  }
  Case virtual_hosted{"GET", "//k", "b.localhost:4566", nullptr, "", "", ""};
  auto result = route_s3(make_request(virtual_hosted), default_router_options("us-east-1"));
  ASSERT_TRUE(std::holds_alternative<Endpoint>(result));
  EXPECT_EQ(std::get<Endpoint>(result).key, "/k");
}

}  // namespace
}  // namespace bf
