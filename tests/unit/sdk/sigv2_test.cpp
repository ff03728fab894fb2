#include "sdk/sigv2.h"

#include <gtest/gtest.h>

#include <string>

namespace bf::sigv2 {
namespace {

// Expected strings to sign and signatures below were produced by botocore 1.43 itself:
// HmacV1Auth / HmacV1QueryAuth with _get_date() overridden to the fixed Date / Expires shown,
// on botocore.awsrequest.AWSRequest objects with the same method, URL, auth_path and headers,
// printing canonical_string(...) and the signature that add_auth() put in the request.
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kDate = "Tue, 27 Mar 2007 21:15:45 GMT";

TEST(SigV2, CanonicalResource) {
  EXPECT_EQ(canonical_resource("/bucket/key", {}), "/bucket/key");
  // Only sub-resources are signed; they are sorted by name and keep decoded values.
  EXPECT_EQ(
      canonical_resource("/bucket/a%20b", {{"versionId", "3/L4"}, {"prefix", "x"}, {"acl", ""}}),
      "/bucket/a%20b?acl&versionId=3/L4");
  EXPECT_EQ(canonical_resource("/bucket/k", {{"uploadId", "u1"}, {"partNumber", "3"}}),
            "/bucket/k?partNumber=3&uploadId=u1");
  EXPECT_EQ(canonical_resource("/bucket/", {{"uploads", ""}, {"max-uploads", "5"}}),
            "/bucket/?uploads");
  EXPECT_EQ(canonical_resource("/bucket/k", {{"response-content-disposition", "attachment"},
                                             {"tagging", ""},
                                             {"select-type", "2"}}),
            "/bucket/k?response-content-disposition=attachment&select-type=2&tagging");
  // Names are case-sensitive, as in botocore.
  EXPECT_EQ(canonical_resource("/b/k", {{"VersionId", "1"}}), "/b/k");
  EXPECT_EQ(canonical_resource("/", {}), "/");
}

TEST(SigV2, HeaderAuthCreateMultipartUploadWithMetadata) {
  // POST https://examplebucket.s3.amazonaws.com/photos/puppy%20dog.jpg?uploads
  Params headers = {{"Content-Type", "image/jpeg"},
                    {"x-amz-meta-author", "  Jane  Doe "},
                    {"X-Amz-Meta-Color", "brown"},
                    {"x-amz-acl", "public-read"},
                    {"Date", std::string(kDate)}};
  std::string resource =
      canonical_resource("/examplebucket/photos/puppy%20dog.jpg", {{"uploads", ""}});
  std::string sts =
      string_to_sign("POST", "", "image/jpeg", date_for_signing(headers), headers, resource);
  EXPECT_EQ(sts,
            "POST\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 GMT\n"
            "x-amz-acl:public-read\nx-amz-meta-author:Jane  Doe\nx-amz-meta-color:brown\n"
            "/examplebucket/photos/puppy%20dog.jpg?uploads");
  EXPECT_EQ(signature(kSecret, sts), "T5xOg0lGQfKwAic/xu/odkL9XjI=");
}

TEST(SigV2, HeaderAuthVersionIdAndResponseOverride) {
  // GET https://s3.amazonaws.com/examplebucket/a/b.txt
  //     ?versionId=3%2FL4kqtJl&response-content-type=text%2Fplain&foo=bar
  Params headers = {{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}};
  std::string resource = canonical_resource(
      "/examplebucket/a/b.txt",
      {{"versionId", "3/L4kqtJl"}, {"response-content-type", "text/plain"}, {"foo", "bar"}});
  std::string sts = string_to_sign("GET", "1B2M2Y8AsgTpgAmY7PhCfg==", "", kDate, headers, resource);
  EXPECT_EQ(sts,
            "GET\n1B2M2Y8AsgTpgAmY7PhCfg==\n\nTue, 27 Mar 2007 21:15:45 GMT\n"
            "/examplebucket/a/b.txt?response-content-type=text/plain&versionId=3/L4kqtJl");
  EXPECT_EQ(signature(kSecret, sts), "PBZpib13ljIj2pg2O5eDblOZaNw=");
}

TEST(SigV2, HeaderAuthRepeatedAmzHeaders) {
  // PUT https://s3.amazonaws.com/examplebucket/k?acl with X-Amz-Meta-Tag sent twice.
  Params headers = {
      {"X-Amz-Meta-Tag", "one"}, {"x-amz-meta-tag", " two "}, {"Content-Type", "text/plain"}};
  std::string sts = string_to_sign("PUT", "", "text/plain", kDate, headers,
                                   canonical_resource("/examplebucket/k", {{"acl", ""}}));
  EXPECT_EQ(sts,
            "PUT\n\ntext/plain\nTue, 27 Mar 2007 21:15:45 GMT\n"
            "x-amz-meta-tag:one,two\n/examplebucket/k?acl");
  EXPECT_EQ(signature(kSecret, sts), "ePWVQGkUSZJIiBggN11MupCjfk0=");
}

TEST(SigV2, PresignedGet) {
  // botocore generate_presigned_url style: Expires takes the place of Date.
  std::string sts = string_to_sign("GET", "", "", "1175139620", {},
                                   canonical_resource("/examplebucket/photos/puppy.jpg", {}));
  EXPECT_EQ(sts, "GET\n\n\n1175139620\n/examplebucket/photos/puppy.jpg");
  EXPECT_EQ(signature(kSecret, sts), "jsnQdBftpBlUp236ppnvLztKzEI=");
}

TEST(SigV2, PresignedPutWithContentTypeAndMetadata) {
  // botocore moves Content-Type and x-amz-* into the query string; the verifier passes them
  // back in as headers.
  Params from_query = {{"content-type", "application/pdf"}, {"x-amz-meta-owner", "ops"}};
  std::string sts =
      string_to_sign("PUT", "", "application/pdf", "1175139620", from_query,
                     canonical_resource("/examplebucket/docs/report.pdf", {{"versionId", "abc"}}));
  EXPECT_EQ(sts,
            "PUT\n\napplication/pdf\n1175139620\nx-amz-meta-owner:ops\n"
            "/examplebucket/docs/report.pdf?versionId=abc");
  EXPECT_EQ(signature(kSecret, sts), "taT5y+R8cbNHeeRDf8oJBxniaQ8=");
}

TEST(SigV2, DateForSigning) {
  EXPECT_EQ(date_for_signing({{"Date", std::string(kDate)}}), kDate);
  EXPECT_EQ(date_for_signing({}), "");
  // With x-amz-date, S3 ignores Date: the date line is empty and x-amz-date is an amz header.
  Params headers = {{"Date", std::string(kDate)}, {"X-Amz-Date", "Tue, 27 Mar 2007 21:20:00 GMT"}};
  EXPECT_EQ(date_for_signing(headers), "");
  EXPECT_EQ(string_to_sign("GET", "", "", date_for_signing(headers), headers, "/b/k"),
            "GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:00 GMT\n/b/k");
}

}  // namespace
}  // namespace bf::sigv2
