// Signs outgoing requests with SigV4 (Authorization header), using the same canonicalisation
// the emulator verifies with.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include "sdk/sigv4.h"

namespace bf {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // sent as X-Amz-Security-Token when set
};

// A request body read in pieces (a file, for uploads larger than memory should hold).
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual std::uint64_t size() const = 0;
  // Fills up to `capacity` bytes; 0 at the end. Throws std::runtime_error on a read error.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  virtual void rewind() = 0;  // to send it again (a retry)
};

// A request about to be sent. `path` is decoded; `query` holds decoded pairs.
struct OutgoingRequest {
  std::string method = "GET";
  std::string host;  // "127.0.0.1:4566" or "bucket.s3.us-east-1.amazonaws.com"
  std::string path = "/";
  sigv4::Params query;
  sigv4::Params headers;
  std::string body;
  // Instead of `body`: streamed from here. Its payload hash must be given as an
  // x-amz-content-sha256 header (a hex digest or UNSIGNED-PAYLOAD).
  std::shared_ptr<BodySource> body_source;
  // When set, the bytes of a 2xx answer's body go here as they arrive instead of into the
  // reply (error bodies are always kept in the reply).
  std::function<void(std::string_view)> body_sink;
};

// Adds Host, X-Amz-Date, X-Amz-Content-Sha256 (the body's SHA-256 unless the header is
// already set), X-Amz-Security-Token and Authorization. Headers already present are signed too.
void sign_sigv4(OutgoingRequest& request, const AwsCredentials& credentials,
                const std::string& region, const std::string& service,
                std::chrono::system_clock::time_point now);

// A presigned URL's path and query: the request's own query plus X-Amz-Algorithm, -Credential,
// -Date, -Expires, -SignedHeaders (host and any headers the request carries, which the caller
// must then send as they are) and -Signature. The payload is UNSIGNED-PAYLOAD, as S3 presigns.
std::string presign_sigv4(const OutgoingRequest& request, const AwsCredentials& credentials,
                          const std::string& region, const std::string& service,
                          std::chrono::system_clock::time_point now, std::chrono::seconds expires);

// "20130524T000000Z" for `now`.
std::string amz_date(std::chrono::system_clock::time_point now);

// "/a b/c" -> "/a%20b/c"; the query as "k=v&..." with S3's encoding.
std::string encoded_target(const OutgoingRequest& request);

}  // namespace bf
