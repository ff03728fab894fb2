#include "emulator/auth/aws_chunked.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdk/checksum.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"

namespace bf {
namespace {

constexpr std::string_view kDate = "20130524T000000Z";
// Seed (Authorization header) signature of the S3 API Reference chunked upload example.
constexpr std::string_view kExampleSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

ChunkSigning example_signing() {
  return ChunkSigning{
      sigv4::signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"),
      std::string(kDate), sigv4::scope("20130524", "us-east-1", "s3"), std::string(kExampleSeed)};
}

std::string hex_size(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (n == 0) return "0";
  std::string out;
  for (; n > 0; n >>= 4) out.insert(out.begin(), kDigits[n & 15]);
  return out;
}

// Frames `chunks` as signed aws-chunked, signing with our own signer. The final 0-size chunk
// is added; `trailers` (name, value) makes it the signed-trailer form, with the trailer
// signature line unless `with_trailer_signature` is false.
std::string signed_body(const ChunkSigning& s, const std::vector<std::string>& chunks,
                        const std::vector<std::pair<std::string, std::string>>& trailers = {},
                        bool with_trailer_signature = true) {
  std::string body;
  std::string prev = s.seed_signature;
  auto sign_chunk = [&](std::string_view data) {
    prev = sigv4::signature(
        s.signing_key, sigv4::chunk_string_to_sign(s.amz_date, s.scope, prev, sha256_hex(data)));
    return prev;
  };
  for (const std::string& c : chunks) {
    body += hex_size(c.size()) + ";chunk-signature=" + sign_chunk(c) + "\r\n" + c + "\r\n";
  }
  body += "0;chunk-signature=" + sign_chunk("") + "\r\n";
  if (!trailers.empty()) {
    std::string block;
    for (const auto& [name, value] : trailers) {
      body += name + ":" + value + "\r\n";
      block += name + ":" + value + "\n";
    }
    if (with_trailer_signature) {
      body += "x-amz-trailer-signature:" +
              sigv4::signature(s.signing_key,
                               sigv4::trailer_string_to_sign(s.amz_date, s.scope, prev, block)) +
              "\r\n";
    }
  }
  body += "\r\n";
  return body;
}

struct Decoded {
  std::optional<DecodeError> error;
  std::string out;
  bool done = false;
  std::uint64_t decoded_size = 0;
  std::map<std::string, std::string> trailers;
};

// Feeds `body` in pieces of `piece` bytes (0 = whole), then calls finish().
Decoded decode(AwsChunkedDecoder::Options options, std::string_view body, std::size_t piece = 0) {
  AwsChunkedDecoder decoder(std::move(options));
  Decoded r;
  if (piece == 0) piece = body.size() + 1;
  for (std::size_t pos = 0; pos < body.size() && !r.error; pos += piece) {
    r.error = decoder.feed(body.substr(pos, piece), r.out);
  }
  if (!r.error) r.error = decoder.finish();
  r.done = decoder.done();
  r.decoded_size = decoder.decoded_size();
  r.trailers = decoder.trailers();
  return r;
}

AwsChunkedDecoder::Options signed_options() {
  AwsChunkedDecoder::Options o;
  o.signing = example_signing();
  return o;
}

AwsChunkedDecoder::Options signed_trailer_options() {
  AwsChunkedDecoder::Options o;
  o.signing = example_signing();
  o.expect_trailer = true;
  o.signed_trailer = true;
  return o;
}

AwsChunkedDecoder::Options unsigned_trailer_options() {
  AwsChunkedDecoder::Options o;
  o.expect_trailer = true;
  return o;
}

// The documented example body, with the documented chunk signatures written out literally.
std::string example_body() {
  return "10000;chunk-signature="
         "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature="
         "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature="
         "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

TEST(AwsChunked, ExampleBodyMatchesOurSigner) {
  std::string body = example_body();
  EXPECT_EQ(body.size(), 66824u);  // the example's Content-Length
  EXPECT_EQ(body,
            signed_body(example_signing(), {std::string(65536, 'a'), std::string(1024, 'a')}));
}

TEST(AwsChunked, ExampleDecodesInAnySplit) {
  const std::string body = example_body();
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8191}}) {
    Decoded r = decode(signed_options(), body, piece);
    ASSERT_FALSE(r.error) << "piece " << piece << ": " << r.error->code << " " << r.error->message;
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.out, std::string(66560, 'a'));
    EXPECT_EQ(r.decoded_size, 66560u);
    EXPECT_TRUE(r.trailers.empty());
  }
}

TEST(AwsChunked, TamperedChunkDataFailsSignature) {
  std::string body = example_body();
  body[100] = 'b';  // inside the first chunk's data
  Decoded r = decode(signed_options(), body);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "SignatureDoesNotMatch");
  EXPECT_FALSE(r.done);
}

TEST(AwsChunked, TamperedSignatureOrSeedFails) {
  std::string body = example_body();
  body[30] = body[30] == '0' ? '1' : '0';  // inside the first chunk-signature
  EXPECT_EQ(decode(signed_options(), body).error->code, "SignatureDoesNotMatch");

  auto options = signed_options();
  options.signing->seed_signature[0] = '5';
  EXPECT_EQ(decode(options, example_body()).error->code, "SignatureDoesNotMatch");

  // Swapping the last two chunk signatures breaks the chain even though each is "valid".
  std::string last = example_body();
  std::size_t final_sig = last.rfind("b6c6ea8a");
  last.replace(final_sig, 8, "0055627c");
  EXPECT_EQ(decode(signed_options(), last).error->code, "SignatureDoesNotMatch");
}

TEST(AwsChunked, TruncatedBodyIsIncomplete) {
  const std::string body = example_body();
  for (std::size_t len : {std::size_t{0}, std::size_t{5}, std::size_t{90}, std::size_t{30000},
                          std::size_t{65536 + 87}, std::size_t{65536 + 89}, body.size() - 80,
                          body.size() - 2, body.size() - 1}) {
    Decoded r = decode(signed_options(), std::string_view(body).substr(0, len), 3);
    ASSERT_TRUE(r.error) << len;
    EXPECT_EQ(r.error->code, "IncompleteBody") << len;
    EXPECT_FALSE(r.done);
  }
}

TEST(AwsChunked, UnsignedTrailerHelloWorld) {
  const std::string body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    Decoded r = decode(unsigned_trailer_options(), body, piece);
    ASSERT_FALSE(r.error) << r.error->code;
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.out, "hello world");
    ASSERT_EQ(r.trailers.count("x-amz-checksum-crc32"), 1u);
    EXPECT_EQ(r.trailers.at("x-amz-checksum-crc32"), "DUoRhQ==");
    EXPECT_EQ(r.trailers.at("x-amz-checksum-crc32"),
              base64_encode(checksum_of(ChecksumAlgorithm::Crc32, r.out)));
  }
}

TEST(AwsChunked, UnsignedTrailerToleratesNoTrailerLines) {
  Decoded r = decode(unsigned_trailer_options(), "5\r\nhello\r\n0\r\n\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.out, "hello");
  EXPECT_TRUE(r.trailers.empty());

  Decoded empty = decode(unsigned_trailer_options(), "0\r\n\r\n");
  ASSERT_FALSE(empty.error);
  EXPECT_TRUE(empty.done);
  EXPECT_EQ(empty.out, "");
}

TEST(AwsChunked, UnsignedTrailerNameCaseAndSpaces) {
  Decoded r = decode(unsigned_trailer_options(),
                     "3\r\nabc\r\n0\r\nX-Amz-Checksum-CRC32: NSRBwg== \r\n\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.trailers.at("x-amz-checksum-crc32"), "NSRBwg==");  // CRC32 of "abc"
}

TEST(AwsChunked, UnsignedSmallChunksAccepted) {
  // The 8192-byte minimum is enforced only for signed chunks.
  Decoded r = decode(unsigned_trailer_options(), "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.out, "abc");
}

TEST(AwsChunked, SignedTrailer) {
  const ChunkSigning s = example_signing();
  std::string data1(8192, 'x');
  std::string data2 = "tail end";
  std::string crc = base64_encode(checksum_of(ChecksumAlgorithm::Crc32c, data1 + data2));
  std::string body = signed_body(s, {data1, data2}, {{"x-amz-checksum-crc32c", crc}});
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    Decoded r = decode(signed_trailer_options(), body, piece);
    ASSERT_FALSE(r.error) << r.error->code << " " << r.error->message;
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.out, data1 + data2);
    EXPECT_EQ(r.trailers.size(), 1u);  // the trailer signature is not reported
    EXPECT_EQ(r.trailers.at("x-amz-checksum-crc32c"), crc);
  }
}

TEST(AwsChunked, SignedTrailerRejectsTampering) {
  const ChunkSigning s = example_signing();
  std::string data(9000, 'q');
  std::string crc = base64_encode(checksum_of(ChecksumAlgorithm::Crc32c, data));
  std::string good = signed_body(s, {data}, {{"x-amz-checksum-crc32c", crc}});

  // A different checksum value than the one signed.
  std::string forged = good;
  forged.replace(forged.find(crc), crc.size(), "AAAAAA==");
  EXPECT_EQ(decode(signed_trailer_options(), forged).error->code, "SignatureDoesNotMatch");

  // A wrong trailer signature.
  std::string bad_sig = good;
  std::size_t at = bad_sig.find("x-amz-trailer-signature:") + 24;
  bad_sig[at] = bad_sig[at] == 'a' ? 'b' : 'a';
  EXPECT_EQ(decode(signed_trailer_options(), bad_sig).error->code, "SignatureDoesNotMatch");

  // No trailer signature at all.
  std::string unsigned_trailer =
      signed_body(s, {data}, {{"x-amz-checksum-crc32c", crc}}, /*with_trailer_signature=*/false);
  EXPECT_EQ(decode(signed_trailer_options(), unsigned_trailer).error->code,
            "MalformedTrailerError");
}

TEST(AwsChunked, SignedSmallNonFinalChunkRejected) {
  const ChunkSigning s = example_signing();
  std::string body = signed_body(s, {std::string(8191, 'a'), std::string(10, 'b')});
  Decoded r = decode(signed_options(), body);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "InvalidChunkSizeError");

  // Exactly 8192 bytes followed by a small last chunk is fine.
  Decoded ok = decode(signed_options(), signed_body(s, {std::string(8192, 'a'), "b"}));
  ASSERT_FALSE(ok.error) << ok.error->code;
  EXPECT_EQ(ok.out.size(), 8193u);

  // A single small chunk is the last chunk, so it is allowed.
  Decoded single = decode(signed_options(), signed_body(s, {"tiny"}));
  ASSERT_FALSE(single.error);
  EXPECT_EQ(single.out, "tiny");
}

TEST(AwsChunked, MalformedTrailers) {
  for (const char* body : {"0\r\nno-colon-here\r\n\r\n", "0\r\n:value\r\n\r\n",
                           "0\r\nx-amz-checksum-crc32:a\r\nx-amz-checksum-crc32:b\r\n\r\n",
                           "0\r\nx-amz-checksum-crc32:DUoRhQ==\n\r\n"}) {
    Decoded r = decode(unsigned_trailer_options(), body);
    ASSERT_TRUE(r.error) << body;
    EXPECT_EQ(r.error->code, "MalformedTrailerError") << body;
  }
  // Trailers after a signed chunk body that did not announce any.
  const ChunkSigning s = example_signing();
  std::string body = signed_body(s, {"abc"});
  body.insert(body.size() - 2, "x-amz-checksum-crc32:NSRBwg==\r\n");
  EXPECT_EQ(decode(signed_options(), body).error->code, "MalformedTrailerError");
}

TEST(AwsChunked, GarbageFramingIsInvalidRequest) {
  const char* bodies[] = {
      "zz\r\nab\r\n0\r\n\r\n",  // not hex
      "\r\n",                   // empty size
      "10000000000000000\r\n",  // 17 hex digits
      "2\r\nabXX0\r\n\r\n",     // data not followed by CRLF
      "2\nab\r\n0\r\n\r\n",     // bare LF
      "0\r\n\r\nextra",         // bytes after the final chunk
  };
  for (const char* body : bodies) {
    Decoded r = decode(unsigned_trailer_options(), body);
    ASSERT_TRUE(r.error) << body;
    EXPECT_EQ(r.error->code, "InvalidRequest") << body;
  }
  // Signed forms require the chunk-signature extension.
  EXPECT_EQ(decode(signed_options(), "3\r\nabc\r\n0\r\n\r\n").error->code, "InvalidRequest");
  EXPECT_EQ(decode(signed_options(), "3;chunk-signature=abc\r\nabc\r\n").error->code,
            "InvalidRequest");
  // An endless size line is cut off instead of being buffered.
  EXPECT_EQ(decode(unsigned_trailer_options(), std::string(10000, '1')).error->code,
            "InvalidRequest");
}

TEST(AwsChunked, ErrorsAreSticky) {
  AwsChunkedDecoder decoder(unsigned_trailer_options());
  std::string out;
  auto err = decoder.feed("xyz\r\n", out);
  ASSERT_TRUE(err);
  auto again = decoder.feed("0\r\n\r\n", out);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code, err->code);
  ASSERT_TRUE(decoder.finish());
  EXPECT_EQ(decoder.finish()->code, "InvalidRequest");
  EXPECT_FALSE(decoder.done());
}

TEST(AwsChunked, LargeChunkAppendedInBulk) {
  // One 8 MiB chunk fed in 1 MiB pieces: the output grows by whole pieces.
  std::string data(8 << 20, 'z');
  std::string body = "800000\r\n" + data + "\r\n0\r\n\r\n";
  Decoded r = decode(unsigned_trailer_options(), body, 1 << 20);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.out.size(), data.size());
  EXPECT_EQ(r.decoded_size, data.size());
}

}  // namespace
}  // namespace bf
