#include "emulator/auth/verify.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "emulator/base/aws_region.h"
#include "emulator/base/time.h"
#include "sdk/hash.h"
#include "sdk/sigv2.h"
#include "sdk/sigv4.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::int64_t kMaxSkewSeconds = 15 * 60;
constexpr std::int64_t kMaxPresignSeconds = 7 * 24 * 3600;
constexpr std::int64_t kMaxPresignV2Seconds = 366 * 24 * 3600;
constexpr std::size_t kMaxSignedHeaders = 1024;

std::string spaced_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x ", c);
    out += buf;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    auto pos = s.find(sep);
    out.emplace_back(s.substr(0, pos));
    if (pos == std::string_view::npos) break;
    s = s.substr(pos + 1);
  }
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}


std::int64_t now_seconds(const Clock& clock) { return clock.now_ms() / 1000; }

// The pieces of a SigV4 credential scope: AKID/date/region/service/aws4_request.
struct Credential {
  std::string access_key, date, region, service;
};

std::optional<Credential> parse_credential(std::string_view text) {
  auto parts = split(text, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request") return std::nullopt;
  return Credential{parts[0], parts[1], parts[2], parts[3]};
}

AuthError signature_mismatch(const std::string& access_key, const std::string& string_to_sign,
                           const std::string& provided, const std::string& canonical_request) {
  return auth_error("SignatureDoesNotMatch")
      .with("AWSAccessKeyId", access_key)
      .with("StringToSign", string_to_sign)
      .with("SignatureProvided", provided)
      .with("StringToSignBytes", spaced_hex(string_to_sign))
      .with("CanonicalRequest", canonical_request)
      .with("CanonicalRequestBytes", spaced_hex(canonical_request));
}

std::optional<AuthError> check_scope(const Credential& cred, const std::string& amz_date,
                                   const AuthSettings& settings) {
  if (cred.service != settings.service)
    return auth_error("AuthorizationHeaderMalformed", "The authorization header is malformed; "
                                                    "incorrect service \"" + cred.service +
                                                        "\". This endpoint belongs to \"" +
                                                        settings.service + "\".");
  if (settings.any_region ? !is_aws_region_name(cred.region) : cred.region != settings.region)
    return auth_error("AuthorizationHeaderMalformed",
                    "The authorization header is malformed; the region '" + cred.region +
                        "' is wrong; expecting '" + settings.region + "'")
        .with("Region", settings.region);
  if (amz_date.size() < 8 || amz_date.substr(0, 8) != cred.date)
    return auth_error("AuthorizationHeaderMalformed",
                    "The authorization header is malformed; Invalid credential date. Date is "
                    "not the same as X-Amz-Date.");
  return std::nullopt;
}

// The key changes once a day per principal; deriving it costs four HMACs per request.
std::string cached_signing_key(const std::string& secret, const Credential& cred) {
  thread_local std::string last_input, last_key;
  std::string input = secret + '\n' + cred.date + '\n' + cred.region + '\n' + cred.service;
  if (input != last_input) {
    last_key = sigv4::signing_key(secret, cred.date, cred.region, cred.service);
    last_input = std::move(input);
  }
  return last_key;
}

// Verifies `provided` against the canonical request built with the strictly re-encoded path,
// and, failing that, with the path exactly as the client sent it (some clients encode a few
// characters differently; both are what the client could have signed).
std::optional<AuthError> verify_v4_signature(sigv4::RequestToSign to_sign, const RequestTarget& target,
                                           const Credentials& creds, const Credential& cred,
                                           const std::string& amz_date,
                                           const std::string& provided,
                                           std::string& signing_key_out) {
  const std::string scope = sigv4::scope(cred.date, cred.region, cred.service);
  signing_key_out = cached_signing_key(creds.secret_key, cred);
  // S3 signs the decoded path encoded once; other services encode the path as sent again.
  to_sign.canonical_uri = cred.service == "s3" ? sigv4::uri_encode(target.path, false)
                                               : sigv4::uri_encode(target.raw_path, false);
  std::string canonical = sigv4::canonical_request(to_sign);
  std::string sts = sigv4::string_to_sign(amz_date, scope, canonical);
  if (constant_time_equal(sigv4::signature(signing_key_out, sts), provided)) return std::nullopt;
  if (target.raw_path != to_sign.canonical_uri) {
    sigv4::RequestToSign raw = to_sign;
    raw.canonical_uri = target.raw_path;
    std::string raw_canonical = sigv4::canonical_request(raw);
    std::string raw_sts = sigv4::string_to_sign(amz_date, scope, raw_canonical);
    if (constant_time_equal(sigv4::signature(signing_key_out, raw_sts), provided))
      return std::nullopt;
  }
  return signature_mismatch(creds.access_key, sts, provided, canonical);
}

// SignedHeaders: lower-case names, sorted, no repeats, at most kMaxSignedHeaders of them (a
// longer list cannot be honest: the header block is bounded). Returns the names, or a message
// saying what is wrong with the list.
std::variant<std::vector<std::string>, std::string> parse_signed_headers(std::string_view list) {
  auto names = split(list, ';');
  if (names.size() > kMaxSignedHeaders)
    return "SignedHeaders names more than " + std::to_string(kMaxSignedHeaders) + " headers";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n.empty() || std::any_of(n.begin(), n.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      return "SignedHeaders must be lower-case header names separated by ';'";
    if (i > 0 && names[i - 1] >= n) return "SignedHeaders must be sorted and without repeats";
  }
  return names;
}

// S3 refuses a SigV4 request carrying a Host or x-amz-* header its signature does not cover:
// otherwise anyone holding a presigned URL could add, say, x-amz-copy-source to it.
std::optional<AuthError> check_all_signed(const HttpRequest& http,
                                        const std::vector<std::string>& signed_names) {
  std::vector<std::string> unsigned_names;
  for (const auto& [name, value] : http.headers) {
    std::string lower = ascii_lower(name);
    if (lower != "host" && !lower.starts_with("x-amz-")) continue;
    if (std::binary_search(signed_names.begin(), signed_names.end(), lower)) continue;
    if (std::find(unsigned_names.begin(), unsigned_names.end(), lower) == unsigned_names.end())
      unsigned_names.push_back(lower);
  }
  if (unsigned_names.empty()) return std::nullopt;
  std::string joined;
  for (const auto& n : unsigned_names) joined += (joined.empty() ? "" : ", ") + n;
  return auth_error("AccessDenied", "There were headers present in the request which were not signed")
      .with("HeadersNotSigned", joined);
}

std::optional<AuthError> check_skew(std::int64_t request_time, const AuthSettings& settings) {
  std::int64_t now = now_seconds(settings.clock);
  if (std::llabs(now - request_time) > kMaxSkewSeconds)
    return auth_error("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
        .with("RequestTime", sigv4_date(request_time * 1000))
        .with("ServerTime", iso8601_ms(now * 1000))
        .with("MaxAllowedSkewMilliseconds", "900000");
  return std::nullopt;
}

// The Credential, SignedHeaders and Signature of a SigV4 Authorization header.
struct HeaderFields {
  std::string credential, signed_headers, signature;
};

HeaderFields header_fields(std::string_view header) {
  header.remove_prefix(sigv4::kAlgorithm.size());
  HeaderFields fields;
  for (const auto& raw_part : split(header, ',')) {
    std::string part = trim(raw_part);
    auto eq = part.find('=');
    if (eq == std::string::npos) continue;
    std::string name = part.substr(0, eq), value = part.substr(eq + 1);
    if (name == "Credential") fields.credential = value;
    else if (name == "SignedHeaders") fields.signed_headers = value;
    else if (name == "Signature") fields.signature = value;
  }
  return fields;
}

Result<AuthResult, AuthError> auth_v4_header(const SignedRequest& req,
                                                 const AuthSettings& settings,
                                                 std::string_view header) {
  auto [credential, signed_headers, signature] = header_fields(header);
  auto cred = parse_credential(credential);
  if (!cred || signed_headers.empty() || signature.empty())
    return auth_error("AuthorizationHeaderMalformed",
                    "The authorization header is malformed; the Credential is mal-formed; "
                    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  const Credentials* creds = settings.credentials.find(cred->access_key);
  if (!creds) return auth_error("InvalidAccessKeyId").with("AWSAccessKeyId", cred->access_key);

  std::string amz_date;
  if (auto* d = req.http.header("x-amz-date")) amz_date = *d;
  std::int64_t request_time = 0;
  if (!amz_date.empty()) {
    const auto ms = parse_sigv4_date(amz_date);
    if (!ms) return auth_error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    request_time = *ms / 1000;
  } else if (auto* date = req.http.header("Date")) {
    const auto ms = parse_http_date(*date);
    if (!ms) return auth_error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    request_time = *ms / 1000;
    amz_date = sigv4_date(*ms);
  } else {
    return auth_error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (auto err = check_scope(*cred, amz_date, settings)) return *err;
  if (auto err = check_skew(request_time, settings)) return *err;

  const std::string* content_sha =
      settings.body_sha256 ? &*settings.body_sha256 : req.http.header("x-amz-content-sha256");
  if (!content_sha)
    return auth_error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");

  AuthResult result;
  result.principal = creds;
  result.region = cred->region;
  const std::string& hash = *content_sha;
  if (hash == "UNSIGNED-PAYLOAD") {
    result.payload = PayloadMode::Unsigned;
  } else if (hash == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
    result.payload = PayloadMode::StreamingSigned;
  } else if (hash == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
    result.payload = PayloadMode::StreamingSignedTrailer;
  } else if (hash == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
    result.payload = PayloadMode::StreamingUnsignedTrailer;
  } else if (hash.starts_with("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    return auth_error("NotImplemented", "SigV4a streaming payloads are not implemented");
  } else if (is_sha256_hex(hash)) {
    result.payload = PayloadMode::Sha256;
    result.payload_sha256 = hash;
  } else {
    return auth_error("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                                       "STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid "
                                       "sha256 value.")
        .with("ArgumentName", "x-amz-content-sha256")
        .with("ArgumentValue", hash);
  }

  auto names = parse_signed_headers(signed_headers);
  if (auto* problem = std::get_if<std::string>(&names))
    return auth_error("AuthorizationHeaderMalformed", "The authorization header is malformed; " + *problem);
  sigv4::RequestToSign to_sign;
  to_sign.method = req.http.method;
  to_sign.query = req.target.query;
  to_sign.headers = req.http.headers;
  to_sign.signed_headers = std::get<std::vector<std::string>>(std::move(names));
  to_sign.payload_hash = hash;
  std::string key;
  if (auto err = verify_v4_signature(to_sign, req.target, *creds, *cred, amz_date, signature, key))
    return *err;
  if (auto err = check_all_signed(req.http, to_sign.signed_headers)) return *err;
  if (result.payload == PayloadMode::StreamingSigned ||
      result.payload == PayloadMode::StreamingSignedTrailer) {
    result.chunk_signing = ChunkSigning{key, amz_date,
                                        sigv4::scope(cred->date, cred->region, cred->service),
                                        signature};
  }
  return result;
}

Result<AuthResult, AuthError> auth_v4_query(const SignedRequest& req,
                                                const AuthSettings& settings) {
  auto get = [&](std::string_view name) -> std::string {
    const std::string* v = req.target.query_param(name);
    return v ? *v : std::string{};
  };
  if (get("X-Amz-Algorithm") != sigv4::kAlgorithm)
    return auth_error("AuthorizationQueryParametersError",
                    "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  std::string credential = get("X-Amz-Credential"), amz_date = get("X-Amz-Date"),
              expires = get("X-Amz-Expires"), signed_headers = get("X-Amz-SignedHeaders"),
              signature = get("X-Amz-Signature");
  auto cred = parse_credential(credential);
  if (!cred || amz_date.empty() || expires.empty() || signed_headers.empty() || signature.empty())
    return auth_error("AuthorizationQueryParametersError",
                    "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                    "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                    "X-Amz-Expires parameters.");
  const Credentials* creds = settings.credentials.find(cred->access_key);
  if (!creds) return auth_error("InvalidAccessKeyId").with("AWSAccessKeyId", cred->access_key);
  const auto start_ms = parse_sigv4_date(amz_date);
  if (!start_ms)
    return auth_error("AuthorizationQueryParametersError",
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const std::int64_t start = *start_ms / 1000;
  const bool negative = expires.starts_with("-");
  const std::string_view digits = std::string_view(expires).substr(negative ? 1 : 0);
  const auto parsed = parse_decimal(digits, 999'999'999'999'999'999);  // up to 18 digits
  if (!parsed) return auth_error("AuthorizationQueryParametersError", "X-Amz-Expires should be a number");
  if (negative)
    return auth_error("AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative");
  const auto lifetime = static_cast<std::int64_t>(*parsed);
  if (lifetime > kMaxPresignSeconds)
    return auth_error("AuthorizationQueryParametersError",
                    "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                    "X-Amz-Expires must be less than 604800 seconds");
  if (auto err = check_scope(*cred, amz_date, settings)) return *err;

  auto names = parse_signed_headers(signed_headers);
  if (auto* problem = std::get_if<std::string>(&names))
    return auth_error("AuthorizationQueryParametersError", *problem);
  sigv4::RequestToSign to_sign;
  to_sign.method = req.http.method;
  for (const auto& [k, v] : req.target.query)
    if (k != "X-Amz-Signature") to_sign.query.emplace_back(k, v);
  to_sign.headers = req.http.headers;
  to_sign.signed_headers = std::get<std::vector<std::string>>(std::move(names));
  std::string payload = get("X-Amz-Content-Sha256");
  to_sign.payload_hash = payload.empty() ? std::string(sigv4::kUnsignedPayload) : payload;
  std::string key;
  if (auto err = verify_v4_signature(to_sign, req.target, *creds, *cred, amz_date, signature, key))
    return *err;
  if (auto err = check_all_signed(req.http, to_sign.signed_headers)) return *err;

  // Expiry is checked after the signature, so a forged URL never learns about timing.
  std::int64_t now = now_seconds(settings.clock);
  if (now + kMaxSkewSeconds < start) return auth_error("AccessDenied", "Request is not valid yet");
  // Valid for `lifetime` seconds from its X-Amz-Date: one of 0 never is.
  if (now >= start + lifetime)
    return auth_error("AccessDenied", "Request has expired")
        .with("X-Amz-Expires", expires)
        .with("Expires", iso8601_ms((start + lifetime) * 1000))
        .with("ServerTime", iso8601_ms(now * 1000));

  AuthResult result;
  result.principal = creds;
  result.region = cred->region;
  result.payload = PayloadMode::Unsigned;
  // A URL that signs the body's digest only admits that body: the body pipeline checks it.
  if (is_sha256_hex(payload)) {
    result.payload = PayloadMode::Sha256;
    result.payload_sha256 = payload;
  }
  return result;
}

// SigV2 signs the bucket as part of the path, whichever addressing style was used.
std::string v2_resource(const SignedRequest& req) {
  if (!req.virtual_host_bucket.empty()) return "/" + req.virtual_host_bucket + req.target.raw_path;
  return req.target.raw_path;
}

Result<AuthResult, AuthError> auth_v2(const SignedRequest& req,
                                          const AuthSettings& settings,
                                          const std::string& access_key,
                                          const std::string& provided,
                                          const std::string& date_or_expires) {
  const Credentials* creds = settings.credentials.find(access_key);
  if (!creds) return auth_error("InvalidAccessKeyId").with("AWSAccessKeyId", access_key);
  auto header_or_empty = [&](std::string_view name) {
    const std::string* v = req.http.header(name);
    return v ? *v : std::string{};
  };
  auto string_to_sign = [&](const std::string& path) {
    return sigv2::string_to_sign(req.http.method, header_or_empty("Content-MD5"),
                                 header_or_empty("Content-Type"), date_or_expires,
                                 req.http.headers, sigv2::canonical_resource(path, req.target.query));
  };
  std::string path = v2_resource(req);
  std::string sts = string_to_sign(path);
  bool matched = constant_time_equal(sigv2::signature(creds->secret_key, sts), provided);
  // Bucket-level requests are signed as "/bucket/" by some clients and "/bucket" by others.
  if (!matched && !req.names_object) {
    std::string other = path.ends_with("/") ? path.substr(0, path.size() - 1) : path + "/";
    matched = constant_time_equal(sigv2::signature(creds->secret_key, string_to_sign(other)), provided);
  }
  if (!matched) {
    return auth_error("SignatureDoesNotMatch")
        .with("AWSAccessKeyId", access_key)
        .with("StringToSign", sts)
        .with("SignatureProvided", provided)
        .with("StringToSignBytes", spaced_hex(sts));
  }
  AuthResult result;
  result.principal = creds;
  result.payload = PayloadMode::Unsigned;
  return result;
}

// "Authorization: AWS key:signature". The time comes from x-amz-date or Date (skew-checked);
// which of them is signed is sigv2::date_for_signing's rule.
Result<AuthResult, AuthError> auth_v2_header(const SignedRequest& req,
                                                 const AuthSettings& settings,
                                                 std::string_view header) {
  std::string_view rest = header.substr(4);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos)
    return auth_error("InvalidArgument", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
        .with("ArgumentName", "Authorization")
        .with("ArgumentValue", std::string(header));
  auto no_date = [] {
    return auth_error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  };
  std::optional<std::int64_t> ms;
  if (auto* amz = req.http.header("x-amz-date")) {
    ms = parse_http_date(*amz);
    if (!ms) ms = parse_sigv4_date(*amz);
  } else if (auto* d = req.http.header("Date")) {
    ms = parse_http_date(*d);
  }
  if (!ms) return no_date();
  const std::int64_t request_time = *ms / 1000;
  if (auto err = check_skew(request_time, settings)) return *err;
  return auth_v2(req, settings, std::string(trim(rest.substr(0, colon))),
                 std::string(rest.substr(colon + 1)), sigv2::date_for_signing(req.http.headers));
}

}  // namespace

std::string signed_service(const SignedRequest& req) {
  std::string credential;
  if (const std::string* auth = req.http.header("Authorization")) {
    if (auth->starts_with(sigv4::kAlgorithm)) credential = header_fields(*auth).credential;
  } else if (const std::string* query = req.target.query_param("X-Amz-Credential")) {
    credential = *query;
  }
  const auto cred = parse_credential(credential);
  return cred ? cred->service : "";
}

bool carries_credentials(const SignedRequest& req) {
  for (const char* param : {"X-Amz-Algorithm", "X-Amz-Signature", "X-Amz-Credential", "AWSAccessKeyId", "Signature"})
    if (req.target.has_query(param)) return true;
  return req.http.header("Authorization") != nullptr;
}

Result<AuthResult, AuthError> authenticate(const SignedRequest& req,
                                               const AuthSettings& settings) {
  if (const std::string* auth = req.http.header("Authorization")) {
    std::string_view header = *auth;
    if (header.starts_with(sigv4::kAlgorithm)) return auth_v4_header(req, settings, header);
    if (header.starts_with("AWS ")) return auth_v2_header(req, settings, header);
    return auth_error("InvalidArgument", "Unsupported Authorization Type")
        .with("ArgumentName", "Authorization")
        .with("ArgumentValue", std::string(header));
  }
  if (req.target.has_query("X-Amz-Algorithm") || req.target.has_query("X-Amz-Signature"))
    return auth_v4_query(req, settings);
  if (req.target.has_query("AWSAccessKeyId") || req.target.has_query("Signature")) {
    const std::string* key = req.target.query_param("AWSAccessKeyId");
    const std::string* sig = req.target.query_param("Signature");
    const std::string* expires = req.target.query_param("Expires");
    if (!key || !sig || !expires)
      return auth_error("AccessDenied", "Query-string authentication requires the Signature, "
                                      "Expires and AWSAccessKeyId parameters");
    const auto parsed_expiry = parse_decimal(*expires, 999'999'999'999);  // up to 12 digits
    if (!parsed_expiry)
      return auth_error("AccessDenied", "Invalid date (should be seconds since epoch): " + *expires);
    const auto expiry = static_cast<std::int64_t>(*parsed_expiry);
    // The V2 string to sign carries Expires where the Date would be; query auth parameters
    // themselves are not sub-resources, so canonical_resource leaves them out.
    auto result = auth_v2(req, settings, *key, *sig, *expires);
    if (!result) return result;
    std::int64_t now = now_seconds(settings.clock);
    // SigV2 URLs may live longer than SigV4's week, but not for ever: a year at most.
    if (expiry > now + kMaxPresignV2Seconds)
      return auth_error("AccessDenied", "Expires must be no more than a year from now")
          .with("Expires", iso8601_ms(expiry * 1000))
          .with("ServerTime", iso8601_ms(now * 1000));
    if (now > expiry)
      return auth_error("AccessDenied", "Request has expired")
          .with("Expires", iso8601_ms(expiry * 1000))
          .with("ServerTime", iso8601_ms(now * 1000));
    return result;
  }
  return auth_error("AccessDenied", "Access Denied");
}

}  // namespace bf
