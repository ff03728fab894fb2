#include "sdk/sigv4.h"

#include <algorithm>

#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf::sigv4 {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Trims both ends and turns every inner run of whitespace into one space. The SigV4 spec says
// "sequential spaces"; botocore and the Go SDK collapse any whitespace, and a verifier must
// agree with the signers it meets, so tabs are collapsed too.
std::string trim_all(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (is_unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

bool uri_decode(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return false;
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

std::string canonical_query_string(const Params& decoded_params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(decoded_params.size());
  for (const auto& [name, value] : decoded_params) {
    encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  }
  // Sorting the encoded forms gives byte order of the wire representation, as AWS does.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');  // valueless parameters still get "=" (e.g. "uploads=")
    out += value;
  }
  return out;
}

std::string canonical_headers(const Params& headers,
                              const std::vector<std::string>& signed_headers) {
  // Headers by lower-case name, in arrival order within a name; each signed name is then a
  // binary search, so the cost grows as (signed + present) × log(present), never their product.
  std::vector<std::pair<std::string, const std::string*>> by_name;
  by_name.reserve(headers.size());
  for (const auto& [name, value] : headers) by_name.emplace_back(ascii_lower(name), &value);
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const std::string& wanted : signed_headers) {
    out += wanted;
    out.push_back(':');
    auto it = std::lower_bound(by_name.begin(), by_name.end(), wanted,
                               [](const auto& entry, const std::string& name) { return entry.first < name; });
    for (bool first = true; it != by_name.end() && it->first == wanted; ++it, first = false) {
      if (!first) out.push_back(',');
      out += trim_all(*it->second);
    }
    out.push_back('\n');
  }
  return out;
}

std::string canonical_request(const RequestToSign& req) {
  std::string signed_list;
  for (const std::string& h : req.signed_headers) {
    if (!signed_list.empty()) signed_list.push_back(';');
    signed_list += h;
  }
  std::string out;
  out.reserve(256);
  out += req.method;
  out.push_back('\n');
  out += req.canonical_uri;
  out.push_back('\n');
  out += canonical_query_string(req.query);
  out.push_back('\n');
  out += canonical_headers(req.headers, req.signed_headers);
  out.push_back('\n');
  out += signed_list;
  out.push_back('\n');
  out += req.payload_hash;
  return out;
}

std::string scope(std::string_view date8, std::string_view region, std::string_view service) {
  std::string out;
  out.append(date8).append("/").append(region).append("/").append(service).append("/aws4_request");
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += sha256_hex(canonical_request);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret);
  std::string k_date = hmac_sha256(k_secret, date8);
  std::string k_region = hmac_sha256(k_date, region);
  std::string k_service = hmac_sha256(k_region, service);
  return hmac_sha256(k_service, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign) {
  return to_hex(hmac_sha256(signing_key, string_to_sign));
}

std::string chunk_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view previous_signature,
                                 std::string_view chunk_sha256_hex) {
  std::string out = "AWS4-HMAC-SHA256-PAYLOAD\n";
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(previous_signature).push_back('\n');
  out.append(kEmptySha256).push_back('\n');  // hash of the (always empty) chunk headers
  out.append(chunk_sha256_hex);
  return out;
}

std::string trailer_string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view previous_signature,
                                   std::string_view trailer_block) {
  std::string out = "AWS4-HMAC-SHA256-TRAILER\n";
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(previous_signature).push_back('\n');
  out += sha256_hex(trailer_block);
  return out;
}

}  // namespace bf::sigv4
