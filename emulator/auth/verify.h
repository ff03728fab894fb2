// Request authentication: SigV4 (header and presigned query) and legacy SigV2 (header and
// presigned query). Reads the request head only; the body checks it asks for (payload hash,
// chunk signatures) are carried out by the body pipeline as bytes stream through.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "emulator/auth/auth_error.h"
#include "emulator/auth/aws_chunked.h"
#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/base/status.h"
#include "emulator/http/message.h"
#include "emulator/http/target.h"

namespace bf {

enum class PayloadMode {
  Unsigned,                 // UNSIGNED-PAYLOAD, SigV2, presigned
  Sha256,                   // x-amz-content-sha256 is the hex digest of the body
  StreamingSigned,          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  StreamingSignedTrailer,   // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  StreamingUnsignedTrailer  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

struct AuthResult {
  const Credentials* principal = nullptr;
  PayloadMode payload = PayloadMode::Unsigned;
  std::string payload_sha256;                // for PayloadMode::Sha256
  std::optional<ChunkSigning> chunk_signing;  // for the signed streaming forms
  // The region the signature's scope names (SigV4); empty for SigV2, which names none.
  std::string region;
};

struct AuthSettings {
  const CredentialStore& credentials;
  const Clock& clock;
  std::string region;
  std::string service = "s3";  // the credential scope's service
  // For services whose body is read before verification (Lambda): the body's hex SHA-256,
  // used as the payload hash instead of the x-amz-content-sha256 header S3 requires.
  std::optional<std::string> body_sha256;
  // Any AWS region's name is accepted in the scope (the result says which), as each of AWS's
  // regional endpoints accepts its own; `region` is then only what an error expects.
  bool any_region = false;
};

// A request as its signature covers it: the head, and its target parsed.
struct SignedRequest {
  const HttpRequest& http;
  const RequestTarget& target;
  // SigV2 (S3 only) signs the resource as "/bucket/key" whichever addressing style was used:
  // the bucket a virtual-hosted request named in its Host (empty for path style), and whether
  // the request names an object (a bucket is signed with or without its trailing '/').
  std::string virtual_host_bucket = {};
  bool names_object = false;
};

Result<AuthResult, AuthError> authenticate(const SignedRequest& request, const AuthSettings& settings);

// Whether the request tries to authenticate at all (an Authorization header, or a presigned
// URL's parameters). One that does not is anonymous, which S3 admits only where a bucket's
// policy or ACL lets everyone in.
bool carries_credentials(const SignedRequest& request);

// The service a SigV4 request's credential scope names ("s3", "s3-object-lambda", ...), or ""
// for none: for endpoints that answer for two services and check against the one named.
std::string signed_service(const SignedRequest& request);

}  // namespace bf
