// S3 keys through listing: the first line is "prefix|delimiter|start-after|max-keys", each
// further line a key (any bytes, percent-encoded in its PUT). Every listing form must end
// within as many pages as there are keys, and a plain listing must return each key once.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "sdk/sigv4.h"
#include "tests/fuzz/support.h"

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (true) {
    std::size_t end = text.find(separator);
    parts.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

std::string query_value(const std::string& value) { return bf::sigv4::uri_encode(value, true); }

pugi::xml_document parse(const bf::HttpResponse& response) {
  pugi::xml_document doc;
  const auto* body = std::get_if<std::string>(&response.body);
  if (response.status != 200 || !body || !doc.load_buffer(body->data(), body->size()))
    bf::fuzz::fail("a listing that is not a 200 with XML", &response);
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> lines = split({reinterpret_cast<const char*>(data), size}, '\n');
  if (lines.size() < 2 || lines.size() > 64) return 0;
  std::vector<std::string> params = split(lines[0], '|');
  params.resize(4);

  bf::fuzz::S3Harness harness;
  std::set<std::string> stored;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& key = lines[i];
    for (const char* bucket : {"/fuzz/", "/fuzz-versioned/"}) {
      bf::fuzz::TextRequest put{"PUT", bucket + bf::sigv4::uri_encode(key, false), {}, "x"};
      if (harness.send(put).status == 200) stored.insert(key);
    }
  }

  std::string common = "&prefix=" + query_value(params[0]) + "&delimiter=" + query_value(params[1]);
  if (!params[3].empty()) common += "&max-keys=" + query_value(params[3]);
  const std::size_t max_pages = stored.size() + 2;

  // ListObjectsV2, following continuation tokens.
  std::set<std::string> seen;
  std::size_t listed = 0;
  std::string token;
  for (std::size_t page = 0;; ++page) {
    if (page > max_pages) bf::fuzz::fail("a listing that does not end");
    std::string target = "/fuzz?list-type=2&encoding-type=url" + common;
    if (!params[2].empty()) target += "&start-after=" + query_value(params[2]);
    if (!token.empty()) target += "&continuation-token=" + query_value(token);
    bf::HttpResponse response = harness.send(bf::fuzz::TextRequest{"GET", target, {}, ""});
    if (response.status == 400) break;  // max-keys not a number, and the like
    auto doc = parse(response);
    auto result = doc.child("ListBucketResult");
    for (auto contents : result.children("Contents")) {
      std::string key;
      if (!bf::sigv4::uri_decode(contents.child_value("Key"), key)) std::abort();
      seen.insert(key);
      ++listed;
    }
    token = result.child_value("NextContinuationToken");
    if (std::string(result.child_value("IsTruncated")) != "true") break;
    if (token.empty()) std::abort();
  }
  if (params[0].empty() && params[1].empty() && params[2].empty() && params[3].empty() &&
      (seen != stored || listed != stored.size()))
    bf::fuzz::fail("a plain listing that does not return each key once");

  // ListObjects (v1) and ListObjectVersions, following their markers.
  for (const char* form : {"v1", "versions"}) {
    std::string marker, version_marker;
    for (std::size_t page = 0;; ++page) {
      if (page > 2 * max_pages) bf::fuzz::fail("a v1 or versions listing that does not end");
      bool versions = std::string(form) == "versions";
      std::string target = versions ? "/fuzz-versioned?versions&encoding-type=url"
                                    : "/fuzz?encoding-type=url";
      target += common;
      if (!marker.empty()) target += (versions ? "&key-marker=" : "&marker=") + query_value(marker);
      if (!version_marker.empty()) target += "&version-id-marker=" + query_value(version_marker);
      bf::HttpResponse response = harness.send(bf::fuzz::TextRequest{"GET", target, {}, ""});
      if (response.status == 400) break;
      auto doc = parse(response);
      auto result = versions ? doc.child("ListVersionsResult") : doc.child("ListBucketResult");
      if (std::string(result.child_value("IsTruncated")) != "true") break;
      std::string next = versions ? result.child_value("NextKeyMarker") : result.child_value("NextMarker");
      if (next.empty() && !versions) {  // v1 without a delimiter: the last key is the marker
        auto last = result.last_child();
        while (last && std::string(last.name()) != "Contents") last = last.previous_sibling();
        next = last.child_value("Key");
      }
      if (!bf::sigv4::uri_decode(next, marker)) std::abort();
      if (versions) version_marker = result.child_value("NextVersionIdMarker");
      if (marker.empty()) std::abort();
    }
  }
  return 0;
}
