#include "sdk/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "sdk/hash.h"

namespace bf::sigv4 {
namespace {

// The example credentials and time of the S3 API Reference SigV4 examples.
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kDate = "20130524T000000Z";

std::string example_key() { return signing_key(kSecret, "20130524", "us-east-1", "s3"); }
std::string example_scope() { return scope("20130524", "us-east-1", "s3"); }

std::string sign(const RequestToSign& req) {
  return signature(example_key(), string_to_sign(kDate, example_scope(), canonical_request(req)));
}

// "Signature Calculations for the Authorization Header: Transferring Payload in a Single
// Chunk", example "GET Object" (first 10 bytes of test.txt).
TEST(SigV4, HeaderAuthGetObjectExample) {
  RequestToSign req;
  req.method = "GET";
  req.canonical_uri = uri_encode("/test.txt", false);
  req.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                 {"Range", "bytes=0-9"},
                 {"x-amz-content-sha256", std::string(kEmptySha256)},
                 {"x-amz-date", std::string(kDate)}};
  req.signed_headers = {"host", "range", "x-amz-content-sha256", "x-amz-date"};
  req.payload_hash = std::string(kEmptySha256);

  EXPECT_EQ(
      canonical_request(req),
      "GET\n/test.txt\n\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(kDate, example_scope(), canonical_request(req)),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(sign(req), "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// "Authenticating Requests: Using Query Parameters": presigned GET of test.txt, 24 hours.
TEST(SigV4, PresignedGetExample) {
  RequestToSign req;
  req.method = "GET";
  req.canonical_uri = "/test.txt";
  req.query = {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
               {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
               {"X-Amz-Date", std::string(kDate)},
               {"X-Amz-Expires", "86400"},
               {"X-Amz-SignedHeaders", "host"}};
  req.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  req.signed_headers = {"host"};
  req.payload_hash = std::string(kUnsignedPayload);

  EXPECT_EQ(canonical_query_string(req.query),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host");
  EXPECT_EQ(sign(req), "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// "Transferring Payload in Multiple Chunks": seed signature and the three chunk signatures of
// the 66560-byte upload of chunkObject.txt.
TEST(SigV4, ChunkedUploadExample) {
  RequestToSign req;
  req.method = "PUT";
  req.canonical_uri = "/examplebucket/chunkObject.txt";
  req.headers = {{"Host", "s3.amazonaws.com"},
                 {"x-amz-date", std::string(kDate)},
                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                 {"Content-Encoding", "aws-chunked"},
                 {"x-amz-decoded-content-length", "66560"},
                 {"Content-Length", "66824"},
                 {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}};
  req.signed_headers = {"content-encoding",     "content-length", "host",
                        "x-amz-content-sha256", "x-amz-date",     "x-amz-decoded-content-length",
                        "x-amz-storage-class"};
  req.payload_hash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
  const std::string seed = sign(req);
  EXPECT_EQ(seed, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

  const std::string key = example_key();
  const std::string sc = example_scope();
  std::string sig1 =
      signature(key, chunk_string_to_sign(kDate, sc, seed, sha256_hex(std::string(65536, 'a'))));
  EXPECT_EQ(sig1, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  std::string sig2 =
      signature(key, chunk_string_to_sign(kDate, sc, sig1, sha256_hex(std::string(1024, 'a'))));
  EXPECT_EQ(sig2, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  std::string sig3 = signature(key, chunk_string_to_sign(kDate, sc, sig2, kEmptySha256));
  EXPECT_EQ(sig3, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

TEST(SigV4, ChunkAndTrailerStringsToSign) {
  EXPECT_EQ(chunk_string_to_sign("D", "S", "PREV", "HASH"),
            "AWS4-HMAC-SHA256-PAYLOAD\nD\nS\nPREV\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nHASH");
  EXPECT_EQ(
      trailer_string_to_sign("D", "S", "PREV", "x-amz-checksum-crc32:DUoRhQ==\n"),
      "AWS4-HMAC-SHA256-TRAILER\nD\nS\nPREV\n" + sha256_hex("x-amz-checksum-crc32:DUoRhQ==\n"));
}

TEST(SigV4, Scope) {
  EXPECT_EQ(scope("20130524", "eu-west-1", "s3"), "20130524/eu-west-1/s3/aws4_request");
}

TEST(SigV4, UriEncode) {
  EXPECT_EQ(uri_encode("a b", true), "a%20b");
  EXPECT_EQ(uri_encode("a/b c", false), "a/b%20c");
  EXPECT_EQ(uri_encode("a/b", true), "a%2Fb");
  EXPECT_EQ(uri_encode("AZaz09-_.~", true), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("+*=&%", true), "%2B%2A%3D%26%25");
  EXPECT_EQ(uri_encode("\xC3\xA9\xE2\x82\xAC", true), "%C3%A9%E2%82%AC");  // "é€"
  // S3 keys are encoded once, literally: no dot-segment or "//" clean-up.
  EXPECT_EQ(uri_encode("/a//b/../c", false), "/a//b/../c");
  EXPECT_EQ(uri_encode("", true), "");
}

TEST(SigV4, UriDecode) {
  std::string out;
  ASSERT_TRUE(uri_decode("a%20b+c%2f%2F", out));
  EXPECT_EQ(out, "a b+c//");
  ASSERT_TRUE(uri_decode("%C3%a9", out));
  EXPECT_EQ(out, "\xC3\xA9");
  EXPECT_FALSE(uri_decode("%zz", out));
  EXPECT_FALSE(uri_decode("abc%2", out));
  EXPECT_FALSE(uri_decode("%", out));
  ASSERT_TRUE(uri_decode("", out));
  EXPECT_EQ(out, "");
}

TEST(SigV4, CanonicalQueryString) {
  EXPECT_EQ(canonical_query_string({}), "");
  EXPECT_EQ(canonical_query_string({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(canonical_query_string({{"uploadId", "abc"}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=abc");
  // Same name: ordered by value.
  EXPECT_EQ(canonical_query_string({{"b", "2"}, {"a", "1"}, {"a", "0"}}), "a=0&a=1&b=2");
  // Byte order of the encoded names: upper case sorts before lower case.
  EXPECT_EQ(canonical_query_string({{"acl", ""}, {"X-Amz-Date", "x"}}), "X-Amz-Date=x&acl=");
  // Names and values are encoded, slashes and spaces included.
  EXPECT_EQ(canonical_query_string({{"prefix", "photos/2024 jan"}, {"list-type", "2"}}),
            "list-type=2&prefix=photos%2F2024%20jan");
}

TEST(SigV4, CanonicalHeaders) {
  Params headers = {{"Host", " examplebucket.s3.amazonaws.com "},
                    {"X-Amz-Meta-Note", "  a   lot\tof    space  "},
                    {"x-amz-meta-note", "second"},
                    {"User-Agent", "not signed"},
                    {"Content-Type", "text/plain"}};
  EXPECT_EQ(canonical_headers(headers, {"content-type", "host", "x-amz-meta-note"}),
            "content-type:text/plain\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "x-amz-meta-note:a lot of space,second\n");
}

TEST(SigV4, SignatureIsLowercaseHex) {
  std::string sig = signature(example_key(), "anything");
  ASSERT_EQ(sig.size(), 64u);
  for (char c : sig) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  EXPECT_EQ(example_key().size(), 32u);
}

}  // namespace
}  // namespace bf::sigv4
