#include "emulator/api/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

#include "sdk/hash.h"

namespace bf {

namespace {

constexpr double kIssuedAtSkewSeconds = 60;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

Bignum bignum(const std::string& bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

// A member that must be a string, or "" when it is missing or of another type: a token (or a
// key) with `"iss": 5` is refused like any other mismatch, not thrown over.
std::string text(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An EVP_PKEY from one JWK ({"kty":"RSA","n","e"} or {"kty":"EC","crv":"P-256","x","y"}).
Pkey key_from_jwk(const Json& jwk) {
  const std::string kty = text(jwk, "kty");
  std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> build(OSSL_PARAM_BLD_new());
  Bignum n, e;
  std::string point;
  const char* type = nullptr;
  if (kty == "RSA") {
    auto nb = base64url_decode(text(jwk, "n")), eb = base64url_decode(text(jwk, "e"));
    if (!nb || !eb) return nullptr;
    n = bignum(*nb);
    e = bignum(*eb);
    OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
    type = "RSA";
  } else if (kty == "EC" && text(jwk, "crv") == "P-256") {
    auto x = base64url_decode(text(jwk, "x")), y = base64url_decode(text(jwk, "y"));
    if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
    point = std::string(1, '\x04') + *x + *y;  // uncompressed point
    OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    type = "EC";
  } else {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(OSSL_PARAM_BLD_to_param(build.get()));
  std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return nullptr;
  return Pkey(key);
}

bool verify_signature(EVP_PKEY* key, const std::string& signed_part, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> md(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

// ES256 signatures are r||s (64 bytes); OpenSSL verifies DER.
std::optional<std::string> es256_to_der(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

JwtResult refuse(const std::string& why) {
  JwtResult r;
  r.error = why;
  return r;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return text;
}

std::string sign_jwt_hs256(const Json& claims, const std::string& secret) {
  const std::string signing_input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims.dump());
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4) s += '=';
  return base64_decode(s);
}

JwtResult verify_jwt(const std::string& token, const JwtSettings& settings, std::int64_t now_s) {
  const auto dot1 = token.find('.');
  const auto dot2 = token.find('.', dot1 == std::string::npos ? 0 : dot1 + 1);
  if (dot1 == std::string::npos || dot2 == std::string::npos) return refuse("not a JWT");
  auto header_text = base64url_decode(std::string_view(token).substr(0, dot1));
  auto payload_text = base64url_decode(std::string_view(token).substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(std::string_view(token).substr(dot2 + 1));
  if (!header_text || !payload_text || !signature) return refuse("not base64url");
  Json header = Json::parse(*header_text, nullptr, false);
  Json claims = Json::parse(*payload_text, nullptr, false);
  if (!header.is_object() || !claims.is_object()) return refuse("not JSON");
  const std::string alg = text(header, "alg");
  const std::string signed_part = token.substr(0, dot2);

  bool valid = false;
  if (alg == "HS256") {
    valid = !settings.secret.empty() && constant_time_equal(hmac_sha256(settings.secret, signed_part), *signature);
  } else if (alg == "RS256" || alg == "ES256") {
    const std::string kid = text(header, "kid");
    const auto keys = settings.jwks.find("keys");
    if (keys == settings.jwks.end() || !keys->is_array()) return refuse("no keys to check " + alg + " with");
    for (const auto& jwk : *keys) {
      if (!kid.empty() && text(jwk, "kid") != kid) continue;
      Pkey key = key_from_jwk(jwk);
      if (!key) continue;
      std::optional<std::string> sig = alg == "ES256" ? es256_to_der(*signature) : std::optional(*signature);
      if (sig && verify_signature(key.get(), signed_part, *sig)) {
        valid = true;
        break;
      }
    }
  } else {
    return refuse(alg.empty() ? "no algorithm in the header" : "unsupported algorithm " + alg);
  }
  if (!valid) return refuse("bad signature");
  // API Gateway requires exp; a token without one would never expire.
  if (!claims.contains("exp") || !claims["exp"].is_number()) return refuse("no numeric exp claim");
  if (claims["exp"].get<double>() <= now_s) return refuse("expired");
  for (const char* claim : {"nbf", "iat"})
    if (claims.contains(claim) && !claims[claim].is_number()) return refuse(std::string(claim) + " is not a number");
  if (claims.contains("nbf") && claims["nbf"].get<double>() > now_s) return refuse("not valid yet");
  // A token issued in the future (beyond a minute of clock difference) is not to be trusted.
  if (claims.contains("iat") && claims["iat"].get<double>() > now_s + kIssuedAtSkewSeconds)
    return refuse("issued in the future");
  if (!settings.issuer.empty() && text(claims, "iss") != settings.issuer) return refuse("wrong issuer");
  if (!settings.audience.empty()) {
    std::vector<std::string> aud;
    if (claims.contains("aud") && claims["aud"].is_string()) aud.push_back(claims["aud"].get<std::string>());
    if (claims.contains("aud") && claims["aud"].is_array())
      for (const auto& a : claims["aud"]) if (a.is_string()) aud.push_back(a.get<std::string>());
    if (claims.contains("client_id") && claims["client_id"].is_string()) aud.push_back(claims["client_id"].get<std::string>());
    bool match = false;
    for (const auto& want : settings.audience)
      for (const auto& got : aud) match = match || want == got;
    if (!match) return refuse("wrong audience");
  }
  JwtResult r;
  r.ok = true;
  r.claims = claims;
  if (claims.contains("scope") && claims["scope"].is_string()) {
    std::string s = claims["scope"].get<std::string>();
    for (std::size_t start = 0; start < s.size();) {
      auto space = s.find(' ', start);
      if (space == std::string::npos) space = s.size();
      if (space > start) r.scopes.push_back(s.substr(start, space - start));
      start = space + 1;
    }
  } else if (claims.contains("scp") && claims["scp"].is_array()) {
    for (const auto& s : claims["scp"]) if (s.is_string()) r.scopes.push_back(s.get<std::string>());
  }
  return r;
}

}  // namespace bf
