// Listing: ListObjects (v1), ListObjectsV2 and ListObjectVersions, over one walker that groups
// keys into CommonPrefixes and pages in byte order.
#include <limits>

#include "emulator/base/time.h"
#include "emulator/s3/continuation_token.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"
#include "sdk/sigv4.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kMaxKeysLimit = 1000;
constexpr std::size_t kStoreBatch = 1000;

struct Entry {
  bool is_prefix = false;
  std::string prefix;
  ObjectRecord object;
  const std::string& name() const { return is_prefix ? prefix : object.key; }
};

struct Page {
  std::vector<Entry> entries;
  bool truncated = false;
};

// The CommonPrefix `key` rolls up into, or "" when it stands on its own.
std::string common_prefix(const std::string& key, const std::string& prefix,
                          const std::string& delimiter) {
  if (delimiter.empty()) return {};
  auto pos = key.find(delimiter, prefix.size());
  return pos == std::string::npos ? std::string() : key.substr(0, pos + delimiter.size());
}

// The least string greater than every string that starts with `group`: where a listing resumes
// after a CommonPrefix. None when the group runs to the end of the key space (all 0xFF bytes).
// Works for any bytes, so a key that is not UTF-8 cannot make a listing re-read its group.
std::optional<std::string> after_group(std::string group) {
  while (!group.empty() && static_cast<unsigned char>(group.back()) == 0xff) group.pop_back();
  if (group.empty()) return std::nullopt;
  group.back() = static_cast<char>(static_cast<unsigned char>(group.back()) + 1);
  return group;
}

// Keys after `after` (exclusive) in byte order, grouped by `delimiter`; a group at or before
// `after` was listed by an earlier page and is skipped whole.
Page walk(ObjectStore& objects, const std::string& bucket, const std::string& prefix,
          const std::string& delimiter, const std::string& after, std::size_t max_keys) {
  Page page;
  if (max_keys == 0) return page;  // S3 answers nothing, and not truncated
  ListStart start{after, false};
  std::string last_prefix;
  while (true) {
    auto batch = objects.list_objects(bucket, prefix, start, kStoreBatch);
    bool skipped_group = false;
    for (auto& rec : batch) {
      start = {rec.key, false};
      std::string common = common_prefix(rec.key, prefix, delimiter);
      if (common.empty()) {
        if (page.entries.size() == max_keys) {
          page.truncated = true;
          return page;
        }
        page.entries.push_back({false, {}, std::move(rec)});
        continue;
      }
      if (common > after && common != last_prefix) {
        if (page.entries.size() == max_keys) {
          page.truncated = true;
          return page;
        }
        last_prefix = common;
        page.entries.push_back({true, common, {}});
      }
      // The rest of the group is this one entry: query again from past it.
      auto next = after_group(common);
      if (!next) return page;
      start = {std::move(*next), true};
      skipped_group = true;
      break;
    }
    if (!skipped_group && batch.size() < kStoreBatch) return page;
  }
}

// The marker after which the next page starts: a group's own name is enough, since a group
// at or before the marker is skipped whole.
std::string next_marker(const Page& page) { return page.entries.back().name(); }

struct ListParams {
  std::string prefix, delimiter, encoding;
  std::size_t max_keys = kMaxKeysLimit;
  bool url = false;
};

std::optional<S3Error> read_params(const S3Request& req, ListParams& p, const char* max_name) {
  auto get = [&](const char* name) {
    const std::string* v = req.endpoint.query_param(name);
    return v ? *v : std::string();
  };
  p.prefix = get("prefix");
  p.delimiter = get("delimiter");
  if (const std::string* enc = req.endpoint.query_param("encoding-type")) {
    if (*enc != "url")
      return s3_error("InvalidArgument", "Invalid Encoding Method specified in Request")
          .with("ArgumentName", "encoding-type")
          .with("ArgumentValue", *enc);
    p.url = true;
  }
  if (const std::string* mk = req.endpoint.query_param(max_name)) {
    // A non-negative 32-bit integer, as S3 takes it; anything above 1000 means 1000.
    const auto max_keys = parse_decimal(*mk, 2147483647);
    if (!max_keys)
      return s3_error("InvalidArgument", "Provided max-keys not an integer or within integer range")
          .with("ArgumentName", max_name)
          .with("ArgumentValue", *mk);
    p.max_keys = std::min<std::size_t>(*max_keys, kMaxKeysLimit);
  }
  return std::nullopt;
}

std::string enc(const ListParams& p, const std::string& s) {
  return p.url ? sigv4::uri_encode(s, false) : s;
}

void object_fields(std::string& out, const ObjectRecord& o, const ListParams& p, bool owner) {
  xml::element(out, "Key", enc(p, o.key));
  xml::element(out, "LastModified", iso8601_ms(o.last_modified_ms));
  xml::element(out, "ETag", "\"" + o.etag + "\"");
  ObjectMeta meta = ObjectMeta::from_json(o.meta);
  if (!meta.checksum_algorithm.empty()) {
    xml::element(out, "ChecksumAlgorithm", meta.checksum_algorithm);
    xml::element(out, "ChecksumType", meta.checksum_type);
  }
  xml::element(out, "Size", o.size);
  if (owner) out += owner_xml("Owner", meta.owner.empty() ? "anonymous" : meta.owner);
  xml::element(out, "StorageClass", o.storage_class);
}

void common_prefixes(std::string& out, const Page& page, const ListParams& p) {
  for (const auto& e : page.entries) {
    if (!e.is_prefix) continue;
    out += "<CommonPrefixes>";
    xml::element(out, "Prefix", enc(p, e.prefix));
    out += "</CommonPrefixes>";
  }
}

std::string open_tag(const char* name) {
  return std::string("<") + name + " xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
}

S3Result list_objects_v1(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  ListParams p;
  if (auto err = read_params(req, p, "max-keys")) return *err;
  const std::string* marker_param = req.endpoint.query_param("marker");
  std::string marker = marker_param ? *marker_param : "";
  Page page = walk(ctx.objects, req.bucket(), p.prefix, p.delimiter, marker, p.max_keys);

  std::string out = open_tag("ListBucketResult");
  xml::element(out, "Name", req.bucket());
  // ListObjects (v1) answers its own Prefix as given even with encoding-type=url, as S3 does
  // (the SDKs decode every other field of it, but not that one).
  xml::element(out, "Prefix", p.prefix);
  xml::element(out, "Marker", enc(p, marker));
  // NextMarker is only sent with a delimiter; without one, clients use the last key.
  if (page.truncated && !p.delimiter.empty())
    xml::element(out, "NextMarker", enc(p, page.entries.back().name()));
  xml::element(out, "MaxKeys", static_cast<std::uint64_t>(p.max_keys));
  if (!p.delimiter.empty()) xml::element(out, "Delimiter", enc(p, p.delimiter));
  xml::element(out, "IsTruncated", page.truncated);
  if (p.url) xml::element(out, "EncodingType", "url");
  for (const auto& e : page.entries) {
    if (e.is_prefix) continue;
    out += "<Contents>";
    object_fields(out, e.object, p, true);
    out += "</Contents>";
  }
  common_prefixes(out, page, p);
  out += "</ListBucketResult>";
  return xml_response(req, std::move(out));
}

S3Result list_objects_v2(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  ListParams p;
  if (auto err = read_params(req, p, "max-keys")) return *err;
  const std::string* token = req.endpoint.query_param("continuation-token");
  const std::string* start_after = req.endpoint.query_param("start-after");
  std::string after = start_after ? *start_after : "";
  if (token)
    if (auto err = read_continuation_token(*token, after)) return *err;
  const std::string* fetch_owner = req.endpoint.query_param("fetch-owner");
  const bool owner = fetch_owner && *fetch_owner == "true";
  Page page = walk(ctx.objects, req.bucket(), p.prefix, p.delimiter, after, p.max_keys);

  std::string out = open_tag("ListBucketResult");
  xml::element(out, "Name", req.bucket());
  xml::element(out, "Prefix", enc(p, p.prefix));
  if (token) xml::element(out, "ContinuationToken", *token);
  if (page.truncated) xml::element(out, "NextContinuationToken", continuation_token(next_marker(page)));
  xml::element(out, "KeyCount", static_cast<std::uint64_t>(page.entries.size()));
  xml::element(out, "MaxKeys", static_cast<std::uint64_t>(p.max_keys));
  if (!p.delimiter.empty()) xml::element(out, "Delimiter", enc(p, p.delimiter));
  xml::element(out, "IsTruncated", page.truncated);
  if (start_after) xml::element(out, "StartAfter", enc(p, *start_after));
  if (p.url) xml::element(out, "EncodingType", "url");
  for (const auto& e : page.entries) {
    if (e.is_prefix) continue;
    out += "<Contents>";
    object_fields(out, e.object, p, owner);
    out += "</Contents>";
  }
  common_prefixes(out, page, p);
  out += "</ListBucketResult>";
  return xml_response(req, std::move(out));
}

// Every version and delete marker, key by key, newest first. Objects of a bucket that was
// never versioned are each their one version, "null".
S3Result list_object_versions(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  ListParams p;
  if (auto err = read_params(req, p, "max-keys")) return *err;
  const std::string* key_marker_param = req.endpoint.query_param("key-marker");
  const std::string* version_marker_param = req.endpoint.query_param("version-id-marker");
  const std::string key_marker = key_marker_param ? *key_marker_param : "";
  const std::string version_marker = version_marker_param ? *version_marker_param : "";

  std::string after_key = key_marker;
  std::int64_t after_seq = 0;  // only keys after after_key
  std::string previous_key;    // the key whose newest version was already listed
  if (!version_marker.empty() && !key_marker.empty()) {
    if (auto marker = ctx.objects.open_version(req.bucket(), key_marker, version_marker)) {
      after_seq = marker->first.seq;
      previous_key = key_marker;
    }
  }

  struct Row {
    bool is_prefix;
    std::string prefix;
    ObjectRecord version;
    bool latest;
  };
  std::vector<Row> rows;
  bool truncated = false;
  std::string last_prefix;
  bool more = true;
  while (more && !truncated && p.max_keys > 0) {
    auto batch = ctx.objects.list_versions(req.bucket(), p.prefix, after_key, after_seq, kStoreBatch);
    more = batch.size() == kStoreBatch;
    for (auto& v : batch) {
      after_key = v.key;
      after_seq = v.seq;
      std::string common = common_prefix(v.key, p.prefix, p.delimiter);
      if (!common.empty()) {
        if (common != last_prefix && common > key_marker) {
          if (rows.size() == p.max_keys) {
            truncated = true;
            break;
          }
          last_prefix = common;
          rows.push_back({true, common, {}, false});
        }
        // Re-query from the first key past the group (all its versions included).
        auto next = after_group(common);
        more = next.has_value();
        if (next) {
          after_key = std::move(*next);
          after_seq = std::numeric_limits<std::int64_t>::max();
        }
        break;
      }
      if (rows.size() == p.max_keys) {
        truncated = true;
        break;
      }
      bool latest = v.key != previous_key;
      previous_key = v.key;
      rows.push_back({false, {}, std::move(v), latest});
    }
  }

  std::string out = open_tag("ListVersionsResult");
  xml::element(out, "Name", req.bucket());
  xml::element(out, "Prefix", enc(p, p.prefix));
  xml::element(out, "KeyMarker", enc(p, key_marker));
  xml::element(out, "VersionIdMarker", version_marker);
  if (truncated && !rows.empty()) {
    const Row& last = rows.back();
    xml::element(out, "NextKeyMarker", enc(p, last.is_prefix ? last.prefix : last.version.key));
    if (!last.is_prefix) xml::element(out, "NextVersionIdMarker", last.version.version_id);
  }
  xml::element(out, "MaxKeys", static_cast<std::uint64_t>(p.max_keys));
  if (!p.delimiter.empty()) xml::element(out, "Delimiter", enc(p, p.delimiter));
  xml::element(out, "IsTruncated", truncated);
  if (p.url) xml::element(out, "EncodingType", "url");
  for (const auto& r : rows) {
    if (r.is_prefix) continue;
    const ObjectRecord& o = r.version;
    ObjectMeta meta = ObjectMeta::from_json(o.meta);
    const char* tag = o.delete_marker ? "DeleteMarker" : "Version";
    out += std::string("<") + tag + ">";
    xml::element(out, "Key", enc(p, o.key));
    xml::element(out, "VersionId", o.version_id);
    xml::element(out, "IsLatest", r.latest);
    xml::element(out, "LastModified", iso8601_ms(o.last_modified_ms));
    if (!o.delete_marker) {
      xml::element(out, "ETag", "\"" + o.etag + "\"");
      xml::element(out, "Size", o.size);
    }
    out += owner_xml("Owner", meta.owner.empty() ? req.owner() : meta.owner);
    if (!o.delete_marker) xml::element(out, "StorageClass", o.storage_class);
    out += std::string("</") + tag + ">";
  }
  for (const auto& r : rows) {
    if (!r.is_prefix) continue;
    out += "<CommonPrefixes>";
    xml::element(out, "Prefix", enc(p, r.prefix));
    out += "</CommonPrefixes>";
  }
  out += "</ListVersionsResult>";
  return xml_response(req, std::move(out));
}

}  // namespace

void register_listing_operations(OperationTable& table) {
  table["ListObjects"] = {BodyKind::None, nullptr, list_objects_v1};
  table["ListObjectsV2"] = {BodyKind::None, nullptr, list_objects_v2};
  table["ListObjectVersions"] = {BodyKind::None, nullptr, list_object_versions};
}

}  // namespace bf
