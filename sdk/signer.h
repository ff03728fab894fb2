// Signs outgoing requests with SigV4 (Authorization header), using the same canonicalisation
// the emulator verifies with.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "sdk/sigv4.h"

namespace bf {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // sent as X-Amz-Security-Token when set
};

// A request about to be sent. `path` is decoded; `query` holds decoded pairs.
struct OutgoingRequest {
  std::string method = "GET";
  std::string host;  // "127.0.0.1:4566" or "bucket.s3.us-east-1.amazonaws.com"
  std::string path = "/";
  sigv4::Params query;
  sigv4::Params headers;
  std::string body;
};

// Adds Host, X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token and Authorization.
// Headers already present (except those) are signed too.
void sign_sigv4(OutgoingRequest& request, const AwsCredentials& credentials,
                const std::string& region, const std::string& service,
                std::chrono::system_clock::time_point now);

// "/a b/c" -> "/a%20b/c"; the query as "k=v&..." with S3's encoding.
std::string encoded_target(const OutgoingRequest& request);

}  // namespace bf
