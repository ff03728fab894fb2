#include "emulator/s3/s3_error.h"

#include <gtest/gtest.h>

#include "emulator/s3/xml.h"

namespace bf {
namespace {

TEST(S3Error, TableGivesStatusAndDefaultMessage) {
  auto e = s3_error("NoSuchKey");
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(s3_error("SignatureDoesNotMatch").status, 403);
  EXPECT_EQ(s3_error("InvalidRange").status, 416);
  EXPECT_EQ(s3_error("NotImplemented").status, 501);
  EXPECT_EQ(s3_error("MissingContentLength").status, 411);
  EXPECT_EQ(s3_error("AccessDenied", "Request has expired").message, "Request has expired");
}

TEST(S3Error, XmlBodyShape) {
  auto res = error_response(s3_error("NoSuchKey").with("Key", "a<&>b"), "REQ1");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(*find_header(res.headers, "Content-Type"), "application/xml");
  EXPECT_EQ(*find_header(res.headers, "x-amz-request-id"), "REQ1");
  EXPECT_EQ(std::get<std::string>(res.body),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><Key>a&lt;&amp;&gt;b</Key>"
            "<RequestId>REQ1</RequestId><HostId>REQ1</HostId></Error>");
}

TEST(S3Error, NotModifiedHasNoBody) {
  auto res = error_response(s3_error("NotModified"), "R");
  EXPECT_EQ(res.status, 304);
  EXPECT_TRUE(std::get<std::string>(res.body).empty());
}

TEST(Xml, ElementOverloadsKeepStrings) {
  std::string out;
  xml::element(out, "EncodingType", "url");  // a literal must not turn into a bool
  xml::element(out, "IsTruncated", true);
  xml::element(out, "Size", std::uint64_t{42});
  EXPECT_EQ(out, "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><Size>42</Size>");
}

}  // namespace
}  // namespace bf
