#include "emulator/s3/object_common.h"

#include "emulator/s3/access_points.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/bucket_encryption.h"
#include "emulator/s3/lifecycle_rules.h"
#include "emulator/s3/tiering_config.h"

#include <unistd.h>

#include "sdk/hash.h"
#include "sdk/sigv4.h"

namespace bf {

std::string quote_etag(const std::string& etag) { return "\"" + etag + "\""; }

std::optional<S3Error> validate_key(const std::string& key) {
  if (key.size() > kMaxKeyBytes)
    return s3_error("KeyTooLongError")
        .with("MaxSizeAllowed", std::to_string(kMaxKeyBytes))
        .with("Size", std::to_string(key.size()));
  return std::nullopt;
}

std::optional<S3Error> check_user_metadata_size(const Headers& headers) {
  // AWS counts the UTF-8 bytes of each x-amz-meta-* name (without the prefix) and value.
  std::size_t total = 0;
  for (const auto& [name, value] : headers)
    if (name.size() > 11 && iequals(std::string_view(name).substr(0, 11), "x-amz-meta-"))
      total += name.size() - 11 + value.size();
  if (total > kMaxUserMetadataBytes)
    return s3_error("MetadataTooLarge")
        .with("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
  return std::nullopt;
}

std::optional<S3Error> read_write_headers(const S3Request& req, WriteHeaders& out) {
  if (auto err = validate_key(req.key())) return err;
  if (auto err = check_user_metadata_size(req.http.headers)) return err;
  if (auto err = read_storage_class(req.http.headers, out.storage_class)) return err;
  if (const std::string* tagging = req.header("x-amz-tagging"))
    if (auto err = parse_tagging_header(*tagging, out.tags)) return err;
  return read_access_headers(req.http.headers, *req.view, out.acl, out.encryption);
}

std::optional<S3Error> read_access_headers(const Headers& headers, const BucketView& bucket, Pairs& acl,
                                           Encryption& encryption) {
  auto requested = read_acl_headers(headers, false);
  if (auto* err = std::get_if<S3Error>(&requested)) return *err;
  if (const auto& grants = std::get<std::optional<Grants>>(requested)) {
    if (auto err = check_acl_allowed(bucket, *grants)) return err;
    acl = *grants;
  }
  return read_encryption(headers, bucket, encryption);
}

void write_checksum_headers(const ObjectMeta& meta, HttpResponse& res) {
  if (meta.checksum_algorithm.empty()) return;
  auto alg = parse_checksum_algorithm(meta.checksum_algorithm);
  if (!alg) return;
  res.set_header(checksum_header(*alg), meta.checksum_value);
  res.set_header("x-amz-checksum-type", meta.checksum_type);
}

std::optional<S3Error> resolve_copy_source(const S3Context& ctx, std::string& bucket, std::string& key) {
  if (!ctx.access_points) return std::nullopt;
  if (bucket.ends_with("-s3alias")) {
    if (auto point = ctx.access_points->addressed_by(bucket, false)) bucket = point->bucket;
    return std::nullopt;
  }
  // "arn:aws:s3:{region}:{account}:accesspoint" / "{name}/object/{key}", split at the first '/'.
  if (!bucket.starts_with("arn:aws:s3:") || !bucket.ends_with(":accesspoint")) return std::nullopt;
  const auto object = key.find("/object/");
  const auto point = object == std::string::npos ? std::nullopt : ctx.access_points->find(key.substr(0, object));
  if (!point)
    return s3_error("InvalidArgument", "The copy source access point does not exist")
        .with("ArgumentName", "x-amz-copy-source")
        .with("ArgumentValue", bucket + "/" + key);
  bucket = point->bucket;
  key = key.substr(object + 8);
  return std::nullopt;
}

std::optional<S3Error> parse_copy_source(const std::string& header, std::string& bucket,
                                         std::string& key, std::string* version_out) {
  std::string_view raw = header;
  std::string version;
  if (auto q = raw.find('?'); q != std::string_view::npos) {
    std::string_view query = raw.substr(q + 1);
    raw = raw.substr(0, q);
    if (query.starts_with("versionId=")) version = std::string(query.substr(10));
  }
  std::string decoded;
  if (!sigv4::uri_decode(raw, decoded))
    return s3_error("InvalidArgument", "Invalid copy source encoding")
        .with("ArgumentName", "x-amz-copy-source")
        .with("ArgumentValue", header);
  std::string_view path = decoded;
  if (path.starts_with("/")) path.remove_prefix(1);
  auto slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size())
    return s3_error("InvalidArgument", "Copy Source must mention the source bucket and key: "
                                       "sourcebucket/sourcekey")
        .with("ArgumentName", "x-amz-copy-source")
        .with("ArgumentValue", header);
  bucket = std::string(path.substr(0, slash));
  key = std::string(path.substr(slash + 1));
  if (version_out) {
    *version_out = version;
    return std::nullopt;
  }
  if (!version.empty() && version != "null")
    return s3_error("NoSuchVersion", "The specified version does not exist.")
        .with("Key", key)
        .with("VersionId", version);
  return std::nullopt;
}

std::variant<WriteCondition, S3Error> write_condition(const S3Request& req) {
  const std::string* if_none_match = req.header("If-None-Match");
  const std::string* if_match = req.header("If-Match");
  if (if_none_match && *if_none_match != "*")
    return s3_error("NotImplemented", "If-None-Match on writes only supports '*'");
  if (!if_none_match && !if_match) return WriteCondition{};
  std::string expected = if_match ? *if_match : "";
  bool create_only = if_none_match != nullptr;
  // Fails with the condition's header name; with no name when If-Match finds no object.
  return WriteCondition([create_only, expected](const std::optional<ObjectRecord>& current) {
    if (create_only && current) return Status::precondition_failed("If-None-Match");
    if (!expected.empty()) {
      if (!current) return Status::precondition_failed("");
      std::string etag = expected;
      if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
      if (etag != "*" && etag != current->etag) return Status::precondition_failed("If-Match");
    }
    return Status::ok();
  });
}

S3Error write_condition_error(const Status& status, const std::string& key) {
  // If-Match on a key that does not exist: S3 answers as GET would.
  if (status.message().empty()) return s3_error("NoSuchKey").with("Key", key);
  return s3_error("PreconditionFailed").with("Condition", status.message());
}

std::variant<OpenedObject, S3Error> open_copy_source(S3Context& ctx, const std::string& bucket, const std::string& key,
                                                    const std::string& version) {
  auto opened = version.empty() ? ctx.objects.open_object(bucket, key) : ctx.objects.open_version(bucket, key, version);
  if (!opened)
    return version.empty() ? no_such_key(key) : s3_error("NoSuchVersion").with("Key", key).with("VersionId", version);
  if (opened->first.delete_marker)
    return s3_error("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.");
  return std::move(*opened);
}

std::optional<S3Error> archived_error(const ObjectRecord& object, const ObjectMeta& meta,
                                      std::int64_t now_ms) {
  if (!is_archived(object.storage_class, meta.access_tier)) return std::nullopt;
  if (meta.restore && meta.restore->readable(now_ms)) return std::nullopt;
  S3Error err = s3_error("InvalidObjectState").with("StorageClass", object.storage_class);
  if (!meta.access_tier.empty()) err.details.emplace_back("AccessTier", meta.access_tier);
  return err;
}

void write_restore_header(const ObjectMeta& meta, std::int64_t now_ms, HttpResponse& res) {
  if (!meta.restore) return;
  if (meta.restore->expires_ms && now_ms >= meta.restore->expires_ms) return;  // lapsed
  res.set_header("x-amz-restore", restore_header(*meta.restore, now_ms));
}

void write_expiration_header(const S3Request& req, const ObjectRecord& object,
                             const ObjectMeta& meta, HttpResponse& res) {
  if (!req.view || !req.view->lifecycle) return;
  if (auto due = expiration_due(*req.view->lifecycle, object, meta))
    res.set_header("x-amz-expiration", expiration_header(*due));
}

void record_tiering_access(ObjectStore& objects, const ObjectRecord& object, const ObjectMeta& meta,
                           std::int64_t now_ms) {
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  if (!tiering_monitored(object)) return;
  const std::int64_t last = object.last_access_ms ? object.last_access_ms : object.last_modified_ms;
  if (meta.access_tier.empty() && last / kDayMs == now_ms / kDayMs) return;
  ObjectRecord accessed = object;
  ObjectMeta moved = meta;
  moved.access_tier.clear();
  accessed.meta = moved.to_json();
  accessed.last_access_ms = now_ms;
  // A conflict means the object was replaced meanwhile: the new one starts fresh anyway.
  objects.update_object(accessed);
}

Status copy_with_md5(int source_fd, std::uint64_t offset, std::uint64_t length,
                     BlobWriter& writer, std::string& md5_raw) {
  Digest md5(Digest::Kind::Md5);
  std::vector<char> buf(256 * 1024);
  while (length > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length));
    ssize_t n = ::pread(source_fd, buf.data(), want, static_cast<off_t>(offset));
    if (n <= 0) return Status::io_error("short read while copying");
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    md5.update(chunk);
    if (auto s = writer.write(chunk); !s) return s;
    offset += static_cast<std::uint64_t>(n);
    length -= static_cast<std::uint64_t>(n);
  }
  md5_raw = md5.finish();
  return Status::ok();
}

}  // namespace bf
