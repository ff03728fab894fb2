#include "sdk/signer.h"

#include <algorithm>

#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

std::string amz_date(std::chrono::system_clock::time_point now) { return format_utc(now, "%Y%m%dT%H%M%SZ"); }

namespace {

std::vector<std::string> sorted_signed_headers(const sigv4::Params& headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    std::string lower = ascii_lower(name);
    // The trace header changes hop by hop; AWS SDKs leave it unsigned too.
    if (lower == "x-amzn-trace-id" || lower == "user-agent") continue;
    names.push_back(lower);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ";") + n;
  return out;
}

void set_header(sigv4::Params& headers, const std::string& name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return ascii_lower(h.first) == name; });
  headers.emplace_back(name, std::move(value));
}

}  // namespace

std::string encoded_target(const OutgoingRequest& request) {
  std::string target = sigv4::uri_encode(request.path, false);
  if (!request.query.empty()) target += "?" + sigv4::canonical_query_string(request.query);
  return target;
}

void sign_sigv4(OutgoingRequest& request, const AwsCredentials& credentials,
                const std::string& region, const std::string& service,
                std::chrono::system_clock::time_point now) {
  const std::string date = amz_date(now);
  std::string payload_hash;
  for (const auto& [name, value] : request.headers)
    if (ascii_lower(name) == "x-amz-content-sha256") payload_hash = value;
  if (payload_hash.empty()) payload_hash = sha256_hex(request.body);
  set_header(request.headers, "host", request.host);
  set_header(request.headers, "x-amz-date", date);
  set_header(request.headers, "x-amz-content-sha256", payload_hash);
  if (!credentials.session_token.empty())
    set_header(request.headers, "x-amz-security-token", credentials.session_token);

  sigv4::RequestToSign to_sign;
  to_sign.method = request.method;
  to_sign.canonical_uri = sigv4::uri_encode(request.path, false);
  to_sign.query = request.query;
  to_sign.headers = request.headers;
  to_sign.signed_headers = sorted_signed_headers(request.headers);
  to_sign.payload_hash = payload_hash;

  const std::string scope = sigv4::scope(date.substr(0, 8), region, service);
  const std::string key = sigv4::signing_key(credentials.secret_key, date.substr(0, 8), region, service);
  const std::string signature = sigv4::signature(
      key, sigv4::string_to_sign(date, scope, sigv4::canonical_request(to_sign)));
  set_header(request.headers, "authorization",
             std::string(sigv4::kAlgorithm) + " Credential=" + credentials.access_key + "/" + scope +
                 ", SignedHeaders=" + joined(to_sign.signed_headers) + ", Signature=" + signature);
}

std::string presign_sigv4(const OutgoingRequest& request, const AwsCredentials& credentials,
                          const std::string& region, const std::string& service,
                          std::chrono::system_clock::time_point now, std::chrono::seconds expires) {
  const std::string date = amz_date(now);
  const std::string scope = sigv4::scope(date.substr(0, 8), region, service);
  sigv4::RequestToSign to_sign;
  to_sign.method = request.method;
  to_sign.canonical_uri = sigv4::uri_encode(request.path, false);
  to_sign.headers = request.headers;
  set_header(to_sign.headers, "host", request.host);
  to_sign.signed_headers = sorted_signed_headers(to_sign.headers);
  to_sign.payload_hash = std::string(sigv4::kUnsignedPayload);
  to_sign.query = request.query;
  to_sign.query.emplace_back("X-Amz-Algorithm", std::string(sigv4::kAlgorithm));
  to_sign.query.emplace_back("X-Amz-Credential", credentials.access_key + "/" + scope);
  to_sign.query.emplace_back("X-Amz-Date", date);
  to_sign.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  if (!credentials.session_token.empty())
    to_sign.query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  to_sign.query.emplace_back("X-Amz-SignedHeaders", joined(to_sign.signed_headers));

  const std::string key = sigv4::signing_key(credentials.secret_key, date.substr(0, 8), region, service);
  const std::string signature = sigv4::signature(
      key, sigv4::string_to_sign(date, scope, sigv4::canonical_request(to_sign)));
  return to_sign.canonical_uri + "?" + sigv4::canonical_query_string(to_sign.query) +
         "&X-Amz-Signature=" + signature;
}

}  // namespace bf
