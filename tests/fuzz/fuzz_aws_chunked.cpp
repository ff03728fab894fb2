// aws-chunked bodies: unsigned, signed and with trailers, split anywhere. The first byte picks
// the form; the rest is the framed body.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/auth/aws_chunked.h"
#include "sdk/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t form = data[0];
  const std::size_t split = 1 + data[1];  // bytes per feed() call
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  bf::AwsChunkedDecoder::Options options;
  if (form & 1) {
    // The key and seed of the seeds' signed bodies (tests/fuzz/corpus/aws_chunked/signed-*).
    options.signing = bf::ChunkSigning{bf::sigv4::signing_key("test", "20260101", "us-east-1", "s3"),
                                       "20260101T000000Z", "20260101/us-east-1/s3/aws4_request",
                                       std::string(64, '0')};
  }
  options.expect_trailer = form & 2;
  options.signed_trailer = (form & 1) && (form & 4);
  bf::AwsChunkedDecoder decoder(options);

  std::string out;
  bool failed = false;
  while (!body.empty() && !failed) {
    std::size_t n = std::min(split, body.size());
    failed = decoder.feed(body.substr(0, n), out).has_value();
    body.remove_prefix(n);
  }
  if (!failed) (void)decoder.finish();
  if (out.size() != decoder.decoded_size()) std::abort();  // every byte counted once
  return 0;
}
