// JWTs for HTTP API authorizers. An input starting with "{" is a claims document, signed HS256
// with the authorizer's secret so the fuzzer reaches the claim checks (exp, nbf, iat, iss,
// aud, scopes); anything else is a whole token (header, signature, JWKS lookup for RS256 and
// ES256).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/api/jwt.h"
#include "sdk/hash.h"

namespace {

bf::JwtSettings settings() {
  bf::JwtSettings s;
  s.issuer = "https://issuer.example";
  s.audience = {"fuzz-audience"};
  s.secret = "fuzz-secret";
  s.jwks = bf::Json::parse(R"({"keys": [
    {"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig", "e": "AQAB",
     "n": "1FRlWUT95XMupOitJ_ZzyhOZNjY_DBtnPvt-91lS70-60WBogkklKfTO-eGq-m3X6ofsOcELWFjvaInK8MqVkuW1t3Ozs-0f32qo_43DqVqExL3NA1ZAQEI83T1f3Lpxf3KdBd8EaWdD766OvN2lyf7UNTkceQMro4CzBrvVzxDY--vEPQuLDKMxcLsZ0G2D2APMEBadcbf7o8kER6L-1J73O0hbEHbx1R8yoauM8c37qfElwNcqRJ_U_asycNrOZ4rP627iUhQQdGIAof6K0MLTtwKLarEkkA42-doKfvzElxVG1_g16zH75hkV0G_2PPQ_sRAqmIQ3Sxz6YJHwQQ"},
    {"kty": "EC", "kid": "e1", "alg": "ES256", "crv": "P-256",
     "x": "KYHS2ozoojF0RJK8qG4o0hGhl69a4-4LVwfkfcoaFMc",
     "y": "igXOrp0le8aGJxMFTLiHvODqdLMBKqdQCcHmmNQb-Gs"}]})");
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bf::JwtSettings jwt = settings();
  constexpr std::int64_t kNow = 1767225600;
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string token = input;
  if (!input.empty() && input[0] == '{') {
    std::string signing_input =
        bf::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + bf::base64url_encode(input);
    token = signing_input + "." + bf::base64url_encode(bf::hmac_sha256(jwt.secret, signing_input));
  }
  bf::JwtResult result = bf::verify_jwt(token, jwt, kNow);
  if (result.ok && !result.claims.is_object()) std::abort();
  if (!result.ok && result.error.empty()) std::abort();  // a refusal says why
  if (auto decoded = bf::base64url_decode(input)) {
    if (bf::base64url_decode(bf::base64url_encode(*decoded)) != decoded) std::abort();
  }
  return 0;
}
