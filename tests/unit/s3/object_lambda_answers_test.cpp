#include "emulator/s3/object_lambda_answers.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

const std::string* header(const HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::string body(const HttpResponse& res) { return std::get<std::string>(res.body); }

TEST(ObjectLambdaAnswers, HeadObjectHeadersAndMetadata) {
  auto res = object_lambda_answer(
      "HeadObject",
      R"({"statusCode": 200, "headers": {"Content-Length": 5, "Content-Type": "text/plain", "x-amz-delete-marker": false},
          "metadata": {"author": "ada"}})",
      "rid");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.head_content_length, 5u);
  EXPECT_EQ(*header(res, "Content-Type"), "text/plain");
  EXPECT_EQ(*header(res, "x-amz-delete-marker"), "false");
  EXPECT_EQ(*header(res, "x-amz-meta-author"), "ada");
  EXPECT_EQ(*header(res, "x-amz-request-id"), "rid");
  EXPECT_EQ(header(res, "Content-Length"), nullptr);  // announced by the HTTP layer from head_content_length
}

TEST(ObjectLambdaAnswers, AnErrorIsS3sErrorWithTheFunctionsCode) {
  auto res = object_lambda_answer("ListObjectsV2", R"({"statusCode": 403, "errorCode": "Denied", "errorMessage": "no"})",
                                  "rid");
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(body(res).find("<Code>Denied</Code><Message>no</Message>"), std::string::npos);
}

TEST(ObjectLambdaAnswers, ListResultXmlPassesThrough) {
  auto res = object_lambda_answer("ListObjects", R"({"statusCode": 200, "listResultXml": "<ListBucketResult/>"})", "r");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body(res), "<ListBucketResult/>");
  EXPECT_EQ(*header(res, "Content-Type"), "application/xml");
}

TEST(ObjectLambdaAnswers, ListBucketResultIsWrittenInS3sOrder) {
  auto res = object_lambda_answer("ListObjectsV2", R"({"statusCode": 200, "listBucketResult": {
      "isTruncated": false, "name": "b", "keyCount": 1, "maxKeys": 1000, "prefix": "",
      "contents": [{"size": 3, "key": "a&b", "eTag": "\"e\"", "storageClass": "STANDARD",
                    "owner": {"displayName": "d", "id": "i"}}],
      "commonPrefixes": [{"prefix": "p/"}]}})",
                                  "r");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(body(res).find("<Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>"
                           "<IsTruncated>false</IsTruncated><Contents><Key>a&amp;b</Key><ETag>&quot;e&quot;</ETag>"
                           "<Size>3</Size><StorageClass>STANDARD</StorageClass><Owner><ID>i</ID>"
                           "<DisplayName>d</DisplayName></Owner></Contents><CommonPrefixes><Prefix>p/</Prefix>"
                           "</CommonPrefixes></ListBucketResult>"),
            std::string::npos)
      << body(res);
}

TEST(ObjectLambdaAnswers, WhatIsNotAwssShapeIsLambdaInvalidResponse) {
  for (const char* payload : {"not json", "[]", "{}", R"({"statusCode": "200"})", R"({"statusCode": 99})",
                              R"({"statusCode": 200})",
                              R"({"statusCode": 200, "listResultXml": "<a/>", "listBucketResult": {}})",
                              R"({"statusCode": 200, "listBucketResult": {"contents": "x"}})"}) {
    auto res = object_lambda_answer("ListObjectsV2", payload, "r");
    EXPECT_EQ(res.status, 400) << payload;
    EXPECT_NE(body(res).find("<Code>LambdaInvalidResponse</Code>"), std::string::npos) << payload;
  }
  auto injected = object_lambda_answer("HeadObject", R"({"statusCode": 200, "headers": {"X-A": "1\r\nX-B: 2"}})", "r");
  EXPECT_EQ(injected.status, 400);
  auto bad_name = object_lambda_answer("HeadObject", R"({"statusCode": 200, "headers": {"X A": "1"}})", "r");
  EXPECT_EQ(bad_name.status, 400);
}

}  // namespace
}  // namespace bf
