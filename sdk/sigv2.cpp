#include "sdk/sigv2.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf::sigv2 {

namespace {

// The query parameters that are part of the signed resource. This is botocore's
// HmacV1Auth.QSAOfInterest list (botocore/auth.py); names are matched case-sensitively, as
// botocore does. Everything else in the query is ignored by SigV2.
constexpr std::string_view kSubResources[] = {
    "accelerate",
    "acl",
    "cors",
    "defaultObjectAcl",
    "location",
    "logging",
    "partNumber",
    "policy",
    "requestPayment",
    "torrent",
    "versioning",
    "versionId",
    "versions",
    "website",
    "uploads",
    "uploadId",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "delete",
    "lifecycle",
    "tagging",
    "restore",
    "storageClass",
    "notification",
    "replication",
    "analytics",
    "metrics",
    "inventory",
    "select",
    "select-type",
    "object-lock",
};

bool is_sub_resource(std::string_view name) {
  return std::find(std::begin(kSubResources), std::end(kSubResources), name) !=
         std::end(kSubResources);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Python's str.strip(): botocore strips each header value but does not collapse inner spaces.
std::string_view strip(std::string_view v) {
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  return v;
}


}  // namespace

std::string canonical_resource(std::string_view bucket_and_encoded_key,
                               const Params& decoded_query) {
  std::string out(bucket_and_encoded_key);
  std::vector<std::pair<std::string, std::string>> subs;
  for (const auto& param : decoded_query) {
    if (is_sub_resource(param.first)) subs.push_back(param);
  }
  if (subs.empty()) return out;
  // botocore sorts by name only (a stable sort), so repeated names keep their request order.
  std::stable_sort(subs.begin(), subs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('?');
  bool first = true;
  for (const auto& [name, value] : subs) {
    if (!first) out.push_back('&');
    first = false;
    out += name;
    // A valueless sub-resource is signed bare ("?uploads"), the way SDKs send it. botocore
    // would sign a literal "?uploads=" as "uploads=", but decoded parameters cannot tell the
    // two spellings apart, and the bare form is what clients put on the wire.
    if (!value.empty()) {
      out.push_back('=');
      out += value;
    }
  }
  return out;
}

std::string string_to_sign(std::string_view method, std::string_view content_md5,
                           std::string_view content_type, std::string_view date_or_expires,
                           const Params& headers, std::string_view canonical_resource) {
  std::string out;
  for (char c : method)
    out.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  out.push_back('\n');
  out.append(strip(content_md5)).push_back('\n');
  out.append(strip(content_type)).push_back('\n');
  out.append(strip(date_or_expires)).push_back('\n');

  // x-amz-* headers: lower-cased names, sorted; repeats (in any case) joined with ','.
  std::map<std::string, std::string> amz;
  for (const auto& [name, value] : headers) {
    std::string lower = ascii_lower(name);
    if (lower.rfind("x-amz-", 0) != 0) continue;
    auto [it, inserted] = amz.try_emplace(lower);
    if (!inserted) it->second.push_back(',');
    it->second.append(strip(value));
  }
  for (const auto& [name, value] : amz) {
    out.append(name).append(":").append(value).push_back('\n');
  }
  out.append(canonical_resource);
  return out;
}

std::string signature(std::string_view secret, std::string_view string_to_sign) {
  return base64_encode(hmac_sha1(secret, string_to_sign));
}

std::string date_for_signing(const Params& headers) {
  std::string date;
  for (const auto& [name, value] : headers) {
    std::string lower = ascii_lower(name);
    if (lower == "x-amz-date") return "";
    if (lower == "date") date = std::string(strip(value));
  }
  return date;
}

}  // namespace bf::sigv2
