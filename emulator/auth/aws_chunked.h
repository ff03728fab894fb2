// Incremental decoder for aws-chunked request bodies (all three forms: signed chunks,
// signed chunks with a signed trailer, unsigned chunks with an unsigned trailer).
// Framed bytes go in, the object's bytes come out; the framing is never stored.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sdk/hash.h"

namespace bf {

// An S3 error code (e.g. "IncompleteBody", "SignatureDoesNotMatch", "InvalidChunkSizeError",
// "MalformedTrailerError") and a human message; the S3 layer turns it into the XML error.
struct DecodeError {
  std::string code;
  std::string message;
};

struct ChunkSigning {
  std::string signing_key;     // raw SigV4 signing key of the request
  std::string amz_date;        // X-Amz-Date of the request
  std::string scope;           // date/region/s3/aws4_request
  std::string seed_signature;  // signature of the request's Authorization header
};

class AwsChunkedDecoder {
 public:
  struct Options {
    std::optional<ChunkSigning> signing;  // set: chunk signatures required and verified
    bool expect_trailer = false;          // STREAMING-*-TRAILER forms
    bool signed_trailer = false;          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  };

  explicit AwsChunkedDecoder(Options options);

  // Consumes `in` (any split, even one byte at a time) and appends decoded bytes to `out`.
  std::optional<DecodeError> feed(std::string_view in, std::string& out);
  // Call when the framed body has ended; IncompleteBody if the final chunk (and trailer) is
  // missing.
  std::optional<DecodeError> finish() const;

  bool done() const;
  std::uint64_t decoded_size() const { return decoded_size_; }
  // Trailer headers (lower-case names), e.g. {"x-amz-checksum-crc32": "DUoRhQ=="};
  // x-amz-trailer-signature is verified and not included.
  const std::map<std::string, std::string>& trailers() const { return trailers_; }

 private:
  enum class State {
    SizeLine,     // reading "<hex>[;chunk-signature=<sig>]\r\n"
    Data,         // copying the chunk's bytes
    DataCrlf,     // the "\r\n" after the chunk's bytes
    TrailerLine,  // after the 0-size chunk: trailer lines up to an empty line
    Done,
    Failed,
  };

  std::optional<DecodeError> fail(std::string code, std::string message);
  // Appends input up to and including '\n' to line_; returns the bytes consumed and sets
  // `complete` when a whole line (without its "\r\n") is in line_.
  std::size_t take_line(std::string_view in, bool& complete);
  std::optional<DecodeError> on_size_line();
  std::optional<DecodeError> on_trailer_line();
  std::optional<DecodeError> on_trailer_end();
  // Verifies the signature announced for the chunk just finished, given its hex SHA-256.
  std::optional<DecodeError> verify_chunk(std::string_view chunk_sha256_hex);

  Options options_;
  State state_ = State::SizeLine;
  std::optional<DecodeError> error_;  // sticky once set
  std::string line_;                  // partial size or trailer line
  std::uint64_t remaining_ = 0;       // data bytes left in the current chunk
  std::uint64_t last_chunk_size_ = 0;
  bool have_chunk_ = false;         // a data chunk has been seen (for the 8192 rule)
  std::size_t crlf_seen_ = 0;       // bytes of the post-data "\r\n" already matched
  std::string chunk_signature_;     // announced by the current chunk's header
  std::string previous_signature_;  // the chain: seed, then each verified chunk
  std::optional<Digest> chunk_digest_;
  std::string trailer_block_;  // "name:value\n" lines covered by the trailer signature
  std::optional<std::string> trailer_signature_;
  std::uint64_t decoded_size_ = 0;
  std::map<std::string, std::string> trailers_;
};

}  // namespace bf
