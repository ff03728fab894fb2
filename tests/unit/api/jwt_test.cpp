// JWT verification against tokens whose members have the wrong JSON types: each is refused
// with a reason, never thrown over (an exception here was an HTTP 500 for an unauthenticated
// request). The numeric "iss" case is the input fuzz_jwt found.
#include "emulator/api/jwt.h"

#include <gtest/gtest.h>

#include "sdk/hash.h"

namespace bf {
namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

JwtSettings hs256_settings() {
  JwtSettings s;
  s.issuer = "https://issuer.example";
  s.secret = "unit-secret";
  return s;
}

// A token with this header and payload text, signed HS256 with the settings' secret.
std::string token(const std::string& header, const std::string& payload) {
  const std::string signing_input = base64url_encode(header) + "." + base64url_encode(payload);
  return signing_input + "." + base64url_encode(hmac_sha256(hs256_settings().secret, signing_input));
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

TEST(Jwt, AGoodTokenIsAccepted) {
  const auto r = verify_jwt(token(kHeader, R"({"iss":"https://issuer.example","exp":1767229200})"),
                            hs256_settings(), kNow);
  EXPECT_TRUE(r.ok) << r.error;
}

TEST(Jwt, ANumericIssuerIsTheWrongIssuer) {
  const auto r = verify_jwt(token(kHeader, R"({"iss":1767229200,"exp":1767229200})"), hs256_settings(), kNow);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "wrong issuer");
}

TEST(Jwt, ANonStringAlgorithmIsUnsupported) {
  const auto r = verify_jwt(token(R"({"alg":5})", R"({"exp":1767229200})"), hs256_settings(), kNow);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no algorithm in the header");
}

TEST(Jwt, ANonStringKeyIdOrAKeySetWithoutKeysIsABadSignature) {
  JwtSettings s = hs256_settings();
  s.jwks = Json::parse(R"({"keys":[{"kty":5,"kid":["r1"]}, 7]})");
  auto r = verify_jwt(token(R"({"alg":"RS256","kid":{"a":1}})", R"({"exp":1767229200})"), s, kNow);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "bad signature");
  s.jwks = Json::array();
  r = verify_jwt(token(R"({"alg":"ES256"})", R"({"exp":1767229200})"), s, kNow);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no keys to check ES256 with");
}

}  // namespace
}  // namespace bf
