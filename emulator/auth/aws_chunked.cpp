#include "emulator/auth/aws_chunked.h"

#include <algorithm>
#include <cstring>

#include "sdk/sigv4.h"
#include "sdk/text.h"

namespace bf {

namespace {

// S3 requires every chunk but the last to hold at least this many bytes (signed forms).
constexpr std::uint64_t kMinChunkSize = 8192;
// A size line is at most 16 hex digits + ";chunk-signature=" + 64 hex; trailer lines are one
// header each. Anything longer is not a client following the protocol, so stop buffering.
constexpr std::size_t kMaxLineSize = 4096;
constexpr std::size_t kMaxTrailers = 16;
constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";
constexpr std::string_view kMalformedTrailer =
    "The request contained trailing data that was not well-formed or did not conform to our "
    "published schema.";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}


}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(Options options) : options_(std::move(options)) {
  if (options_.signing) previous_signature_ = options_.signing->seed_signature;
}

std::optional<DecodeError> AwsChunkedDecoder::fail(std::string code, std::string message) {
  state_ = State::Failed;
  error_ = DecodeError{std::move(code), std::move(message)};
  return error_;
}

std::size_t AwsChunkedDecoder::take_line(std::string_view in, bool& complete) {
  const void* nl = std::memchr(in.data(), '\n', in.size());
  if (nl == nullptr) {
    line_.append(in);
    complete = false;
    return in.size();
  }
  std::size_t used = static_cast<const char*>(nl) - in.data() + 1;
  line_.append(in.data(), used);
  complete = true;
  return used;
}

std::optional<DecodeError> AwsChunkedDecoder::feed(std::string_view in, std::string& out) {
  if (error_) return error_;
  while (!in.empty()) {
    switch (state_) {
      case State::SizeLine:
      case State::TrailerLine: {
        bool complete = false;
        in.remove_prefix(take_line(in, complete));
        const bool trailer = state_ == State::TrailerLine;
        if (line_.size() > kMaxLineSize) {
          return trailer ? fail("MalformedTrailerError", std::string(kMalformedTrailer))
                         : fail("InvalidRequest", "aws-chunked chunk header is too long.");
        }
        if (!complete) break;
        // Every framing line ends in CRLF; a bare LF means the framing is not aws-chunked.
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
          return trailer ? fail("MalformedTrailerError", std::string(kMalformedTrailer))
                         : fail("InvalidRequest", "aws-chunked chunk header must end in CRLF.");
        }
        line_.resize(line_.size() - 2);
        auto err = trailer ? on_trailer_line() : on_size_line();
        line_.clear();
        if (err) return err;
        break;
      }
      case State::Data: {
        // Bulk copy: the body may be GiB-sized, so never go byte by byte here.
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
        out.append(in.data(), n);
        if (chunk_digest_) chunk_digest_->update(in.data(), n);
        decoded_size_ += n;
        remaining_ -= n;
        in.remove_prefix(n);
        if (remaining_ == 0) {
          if (chunk_digest_) {
            std::string hash = to_hex(chunk_digest_->finish());
            chunk_digest_.reset();
            if (auto err = verify_chunk(hash)) return err;
          }
          state_ = State::DataCrlf;
          crlf_seen_ = 0;
        }
        break;
      }
      case State::DataCrlf: {
        const char want = crlf_seen_ == 0 ? '\r' : '\n';
        if (in.front() != want) {
          return fail("InvalidRequest", "aws-chunked chunk data must be followed by CRLF.");
        }
        in.remove_prefix(1);
        if (++crlf_seen_ == 2) state_ = State::SizeLine;
        break;
      }
      case State::Done:
        return fail("InvalidRequest", "Unexpected data after the final aws-chunked chunk.");
      case State::Failed: return error_;
    }
  }
  return std::nullopt;
}

std::optional<DecodeError> AwsChunkedDecoder::on_size_line() {
  std::string_view line = line_;
  std::string_view size_text = line.substr(0, line.find(';'));
  std::string_view extension =
      size_text.size() < line.size() ? line.substr(size_text.size() + 1) : std::string_view{};

  // At most 16 hex digits, so the size always fits in 64 bits.
  if (size_text.empty() || size_text.size() > 16) {
    return fail("InvalidRequest", "Invalid aws-chunked chunk size.");
  }
  std::uint64_t size = 0;
  for (char c : size_text) {
    int v = hex_value(c);
    if (v < 0) return fail("InvalidRequest", "Invalid aws-chunked chunk size.");
    size = size * 16 + static_cast<std::uint64_t>(v);
  }

  if (options_.signing) {
    if (extension.substr(0, kChunkSignaturePrefix.size()) != kChunkSignaturePrefix) {
      return fail("InvalidRequest", "aws-chunked chunk header is missing chunk-signature.");
    }
    std::string sig = ascii_lower(extension.substr(kChunkSignaturePrefix.size()));
    if (!is_sha256_hex(sig)) {
      return fail("InvalidRequest", "aws-chunked chunk-signature is not 64 hex digits.");
    }
    chunk_signature_ = std::move(sig);
  }
  // Unsigned forms: chunk extensions, if any, carry nothing we use, as in HTTP chunking.

  if (size > 0) {
    // A chunk's "last chunk" status is only known once another data chunk follows it.
    if (options_.signing && have_chunk_ && last_chunk_size_ < kMinChunkSize) {
      return fail("InvalidChunkSizeError",
                  "Only the last chunk is allowed to have a size less than 8192 bytes");
    }
    have_chunk_ = true;
    last_chunk_size_ = size;
    remaining_ = size;
    if (options_.signing) chunk_digest_.emplace(Digest::Kind::Sha256);
    state_ = State::Data;
    return std::nullopt;
  }

  // The 0-size chunk: its signature covers the empty payload, then trailers (if any) follow.
  if (options_.signing) {
    if (auto err = verify_chunk(sigv4::kEmptySha256)) return err;
  }
  state_ = State::TrailerLine;
  return std::nullopt;
}

std::optional<DecodeError> AwsChunkedDecoder::verify_chunk(std::string_view chunk_sha256_hex) {
  const ChunkSigning& s = *options_.signing;
  std::string expected = sigv4::signature(
      s.signing_key,
      sigv4::chunk_string_to_sign(s.amz_date, s.scope, previous_signature_, chunk_sha256_hex));
  if (!constant_time_equal(expected, chunk_signature_)) {
    return fail("SignatureDoesNotMatch", std::string(kSignatureMismatch));
  }
  previous_signature_ = std::move(expected);
  return std::nullopt;
}

std::optional<DecodeError> AwsChunkedDecoder::on_trailer_line() {
  if (line_.empty()) return on_trailer_end();

  const bool signed_trailer = options_.signing && options_.signed_trailer;
  // A signed chunk body without a trailer form has nowhere to put trailers.
  if (options_.signing && !options_.expect_trailer) {
    return fail("MalformedTrailerError", std::string(kMalformedTrailer));
  }
  // The trailer signature covers the lines before it, so it must be the last line.
  if (trailer_signature_) return fail("MalformedTrailerError", std::string(kMalformedTrailer));

  std::string_view line = line_;
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return fail("MalformedTrailerError", std::string(kMalformedTrailer));
  }
  std::string name = ascii_lower(trim(line.substr(0, colon)));
  std::string_view value = trim(line.substr(colon + 1));
  if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
    return fail("MalformedTrailerError", std::string(kMalformedTrailer));
  }

  if (name == kTrailerSignatureName) {
    std::string sig = ascii_lower(value);
    if (!signed_trailer || !is_sha256_hex(sig)) {
      return fail("MalformedTrailerError", std::string(kMalformedTrailer));
    }
    trailer_signature_ = std::move(sig);
    return std::nullopt;
  }

  if (trailers_.size() >= kMaxTrailers || trailers_.count(name) != 0) {
    return fail("MalformedTrailerError", std::string(kMalformedTrailer));
  }
  // Signed as "name:value\n" per line, in the order sent (SDKs send exactly one trailer).
  trailer_block_.append(name).append(":").append(value).push_back('\n');
  trailers_.emplace(std::move(name), std::string(value));
  return std::nullopt;
}

std::optional<DecodeError> AwsChunkedDecoder::on_trailer_end() {
  if (options_.signing && options_.signed_trailer) {
    if (!trailer_signature_) {
      return fail("MalformedTrailerError", std::string(kMalformedTrailer));
    }
    const ChunkSigning& s = *options_.signing;
    std::string expected = sigv4::signature(
        s.signing_key,
        sigv4::trailer_string_to_sign(s.amz_date, s.scope, previous_signature_, trailer_block_));
    if (!constant_time_equal(expected, *trailer_signature_)) {
      return fail("SignatureDoesNotMatch", std::string(kSignatureMismatch));
    }
  }
  state_ = State::Done;
  return std::nullopt;
}

std::optional<DecodeError> AwsChunkedDecoder::finish() const {
  if (error_) return error_;
  if (state_ != State::Done) {
    return DecodeError{"IncompleteBody", "The request body terminated unexpectedly"};
  }
  return std::nullopt;
}

bool AwsChunkedDecoder::done() const { return state_ == State::Done; }

}  // namespace bf
