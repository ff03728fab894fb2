// JWT verification for the HTTP API's JWT authorizer: HS256 with a shared secret (for
// workshops), RS256 and ES256 with keys from a JWKS document, all through OpenSSL.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sdk/json.h"

namespace bf {

struct JwtSettings {
  std::string issuer;                  // must equal the token's "iss"
  std::vector<std::string> audience;   // one must be in "aud" (or equal "client_id")
  std::string secret;                  // HS256
  Json jwks;                           // {"keys": [...]} for RS256 / ES256
};

struct JwtResult {
  bool ok = false;
  std::string error;   // why it was refused
  Json claims;         // the payload, when ok
  std::vector<std::string> scopes;  // from "scope" (space-separated) or "scp"
};

// Checks signature, "exp", "nbf", issuer and audience at `now_s` (epoch seconds).
JwtResult verify_jwt(const std::string& token, const JwtSettings& settings, std::int64_t now_s);

// A compact HS256 token over `claims`: what a workshop's JWT authorizer with a shared secret
// accepts (`bucketfire token`).
std::string sign_jwt_hs256(const Json& claims, const std::string& secret);

// base64url without padding, as JWTs use it.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace bf
