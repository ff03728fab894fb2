// Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
#include "emulator/base/time.h"
#include "emulator/s3/bucket_encryption.h"
#include "emulator/s3/object_common.h"
#include "emulator/s3/preconditions.h"
#include "emulator/s3/service.h"
#include "emulator/s3/versioning.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"
#include "sdk/hash.h"

namespace bf {

namespace {

std::optional<S3Error> precheck_put(S3Context& ctx, S3Request& req) {
  if (auto err = require_bucket(ctx, req)) return err;
  if (!req.http.content_length && !req.http.has_body) return s3_error("MissingContentLength");
  WriteHeaders headers;
  if (auto err = read_write_headers(req, headers)) return err;
  auto condition = write_condition(req);
  if (auto* err = std::get_if<S3Error>(&condition)) return *err;
  headers.condition = std::move(std::get<WriteCondition>(condition));
  // Refuse a doomed conditional write before its body is read; the store checks again at
  // commit, where it counts.
  if (headers.condition) {
    if (Status s = headers.condition(ctx.objects.find_object(req.bucket(), req.key())); !s)
      return write_condition_error(s, req.key());
  }
  req.write = std::move(headers);
  return std::nullopt;
}

// The checksum to keep with a new object: the one the client sent, verified by the pipeline.
void set_client_checksum(const Body& body, ObjectMeta& meta) {
  if (!body.client_checksum) return;
  auto it = body.checksums.find(*body.client_checksum);
  if (it == body.checksums.end()) return;
  meta.checksum_algorithm = checksum_name(*body.client_checksum);
  meta.checksum_value = base64_encode(it->second);
  meta.checksum_type = "FULL_OBJECT";
}

S3Result put_object(S3Context& ctx, S3Request& req, Body* body) {
  const WriteHeaders& headers = *req.write;  // read by precheck_put
  ObjectRecord record;
  record.storage_class = headers.storage_class;
  ObjectMeta meta;
  meta.tags = headers.tags;
  meta.encryption = headers.encryption;
  meta.acl = headers.acl;
  read_meta_headers(req.http.headers, meta);
  meta.owner = req.owner();
  set_client_checksum(*body, meta);

  record.bucket = req.bucket();
  record.key = req.key();
  record.blob_id = body->blob->id();
  record.size = body->size;
  record.etag = to_hex(body->md5);
  record.last_modified_ms = ctx.clock.now_ms();
  record.meta = meta.to_json();
  const Versioning versioning = req.view->versioning;
  record.version_id = version_id_for(versioning);
  Status s = ctx.objects.put_object(record, std::move(body->blob), headers.condition, versioning,
                                    change_events(ctx, req, "ObjectCreated:Put"));
  if (s.is_precondition_failed()) return write_condition_error(s, req.key());
  if (s.is_not_found()) return no_such_bucket(req.bucket());  // deleted meanwhile
  if (!s) return internal_error(s);

  HttpResponse res = make_response(req);
  res.set_header("ETag", quote_etag(record.etag));
  write_checksum_headers(meta, res);
  write_encryption_headers(meta.encryption, res);
  write_expiration_header(req, record, meta, res);
  set_written_version_header(versioning, record.version_id, res);
  return res;
}

// Headers common to GET and HEAD.
void write_object_headers(const S3Request& req, const ObjectRecord& object, const ObjectMeta& meta,
                          HttpResponse& res) {
  res.set_header("Last-Modified", http_date(object.last_modified_ms));
  res.set_header("ETag", quote_etag(object.etag));
  res.set_header("Accept-Ranges", "bytes");
  write_meta_headers(meta, res);
  write_encryption_headers(meta.encryption, res);
  if (object.storage_class != "STANDARD") res.set_header("x-amz-storage-class", object.storage_class);
  if (meta.access_tier == "ARCHIVE_ACCESS" || meta.access_tier == "DEEP_ARCHIVE_ACCESS")
    res.set_header("x-amz-archive-status", meta.access_tier);
  if (!meta.tags.empty()) res.set_header("x-amz-tagging-count", std::to_string(meta.tags.size()));
  // response-* query parameters override the stored headers (signed requests only, as on AWS).
  static const std::pair<const char*, const char*> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"}};
  for (const auto& [param, header] : kOverrides) {
    if (const std::string* v = req.endpoint.query_param(param)) {
      std::erase_if(res.headers, [&header = header](const auto& h) { return iequals(h.first, header); });
      res.set_header(header, *v);
    }
  }
}

// The checksum a read answers when asked (x-amz-checksum-mode: ENABLED), as S3 does: the
// object's for the whole object; for one part of a composite-checksum object, that part's
// own; for a part of a full-object checksum, the object's only when the part is all of it;
// none for a Range.
void write_read_checksum(const S3Request& req, const ObjectMeta& meta, std::optional<int> part,
                         bool whole_object, HttpResponse& res) {
  const std::string* mode = req.header("x-amz-checksum-mode");
  if (!mode || !iequals(*mode, "ENABLED")) return;
  if (part && meta.checksum_type == "COMPOSITE") {
    const auto alg = parse_checksum_algorithm(meta.checksum_algorithm);
    if (const auto value = meta.part_checksum(*part); alg && value) {
      res.set_header(checksum_header(*alg), *value);
      res.set_header("x-amz-checksum-type", meta.checksum_type);
    }
  } else if (whole_object) {
    write_checksum_headers(meta, res);
  }
}

S3Result get_or_head(S3Context& ctx, S3Request& req, bool head) {
  if (auto err = require_bucket(ctx, req)) return *err;
  // A read names no encryption: the object's own applies (SSE-C aside, which is refused here).
  if (const std::string* sse = req.header("x-amz-server-side-encryption"))
    return s3_error("InvalidArgument", "x-amz-server-side-encryption header is not supported for this operation.")
        .with("ArgumentName", "x-amz-server-side-encryption")
        .with("ArgumentValue", *sse);
  const Versioning versioning = req.view->versioning;
  std::optional<ObjectRecord> object;
  std::shared_ptr<OpenFile> file;
  const std::string* version = req.endpoint.query_param("versionId");
  if (version) {
    auto opened = ctx.objects.open_version(req.bucket(), req.key(), *version);
    if (!opened)
      return s3_error("NoSuchVersion", "The specified version does not exist.")
          .with("Key", req.key())
          .with("VersionId", *version);
    object = std::move(opened->first);
    file = std::move(opened->second);
    if (object->delete_marker) {
      // A delete marker has no bytes: 405, with headers saying what it is.
      auto err = s3_error("MethodNotAllowed", "The specified method is not allowed against this resource.")
                     .with("Method", req.http.method)
                     .with("ResourceType", "DeleteMarker");
      HttpResponse res = error_response(err, req.request_id());
      res.set_header("x-amz-delete-marker", "true");
      res.set_header("x-amz-version-id", object->version_id);
      res.set_header("Last-Modified", http_date(object->last_modified_ms));
      return res;
    }
  } else if (head) {
    object = ctx.objects.find_object(req.bucket(), req.key());
  } else if (auto opened = ctx.objects.open_object(req.bucket(), req.key())) {
    object = std::move(opened->first);
    file = std::move(opened->second);
  }
  if (!object) {
    if (versioning != Versioning::Unversioned) {
      auto latest = ctx.objects.find_latest(req.bucket(), req.key());
      if (latest && latest->delete_marker) {
        HttpResponse res = error_response(no_such_key(req.key()), req.request_id());
        res.set_header("x-amz-delete-marker", "true");
        res.set_header("x-amz-version-id", latest->version_id);
        return res;
      }
    }
    return no_such_key(req.key());
  }
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  const std::int64_t now = ctx.clock.now_ms();
  // An archived object's bytes are out of reach until restored; HEAD still describes it.
  if (!head)
    if (auto err = archived_error(*object, meta, now)) return *err;

  if (auto err = evaluate_preconditions(req.http.headers, *object, kGetConditions, false)) {
    if (err->status == 304) {
      HttpResponse res = make_response(req, 304);
      res.set_header("ETag", quote_etag(object->etag));
      res.set_header("Last-Modified", http_date(object->last_modified_ms));
      return res;
    }
    return *err;
  }

  ByteRange range{0, object->size};
  RangeResult kind = RangeResult::Whole;
  if (const std::string* range_header = req.header("Range")) {
    kind = parse_range(*range_header, object->size, range);
    if (kind == RangeResult::Unsatisfiable)
      return s3_error("InvalidRange")
          .with("RangeRequested", *range_header)
          .with("ActualObjectSize", std::to_string(object->size));
  }
  // ?partNumber=N reads one part of a multipart object as a 206 range; any other object is
  // its own part 1.
  std::optional<int> by_part;
  if (const std::string* part = req.endpoint.query_param("partNumber")) {
    const auto number = parse_decimal(*part, 99999);
    if (!number || *number < 1 || *number > 10000)
      return s3_error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
          .with("ArgumentName", "partNumber")
          .with("ArgumentValue", *part);
    if (req.header("Range"))
      return s3_error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter");
    if (meta.parts_count > 1 && meta.part_runs.empty())
      return s3_error("NotImplemented", "This object was completed before part layouts were kept; "
                                        "read it by Range instead of partNumber.");
    const int count = std::max(meta.parts_count, 1);
    if (*number > static_cast<std::uint64_t>(count))
      return s3_error("InvalidPartNumber")
          .with("PartNumberRequested", *part)
          .with("ActualPartCount", std::to_string(count));
    by_part = static_cast<int>(*number);
    if (const auto span = meta.part_span(*by_part)) range = ByteRange{span->first, span->second};
    if (range.length > 0) kind = RangeResult::Partial;
  }

  HttpResponse res = make_response(req, kind == RangeResult::Partial ? 206 : 200);
  write_object_headers(req, *object, meta, res);
  write_read_checksum(req, meta, by_part,
                      kind == RangeResult::Whole || (by_part && range.length == object->size), res);
  write_restore_header(meta, now, res);
  if (!version) write_expiration_header(req, *object, meta, res);
  set_version_header(versioning, object->version_id, res);
  if (by_part && meta.parts_count > 0) res.set_header("x-amz-mp-parts-count", std::to_string(meta.parts_count));
  if (kind == RangeResult::Partial)
    res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.first + range.length - 1) + "/" +
                                        std::to_string(object->size));
  if (head) {
    res.head_content_length = range.length;
    res.body = std::string();
  } else {
    record_tiering_access(ctx.objects, *object, meta, now);
    res.body = FileRange{std::move(file), range.first, range.length};
  }
  return res;
}

S3Result get_object(S3Context& ctx, S3Request& req, Body*) { return get_or_head(ctx, req, false); }
S3Result head_object(S3Context& ctx, S3Request& req, Body*) { return get_or_head(ctx, req, true); }

S3Result delete_object(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const Versioning versioning = req.view->versioning;
  HttpResponse res = make_response(req, 204);  // deleting a missing key succeeds, as on AWS
  if (const std::string* v = req.endpoint.query_param("versionId")) {
    auto outcome = ctx.objects.delete_version(req.bucket(), req.key(), *v, ctx.clock.now_ms(),
                                              change_events(ctx, req, ChangeObserver::kRemovedEvent));
    if (!outcome) return internal_error(outcome.error());
    res.set_header("x-amz-version-id", *v);
    if (outcome->delete_marker) res.set_header("x-amz-delete-marker", "true");
    return res;
  }
  auto outcome = ctx.objects.delete_latest(req.bucket(), req.key(), versioning,
                                           version_id_for(versioning), ctx.clock.now_ms(),
                                           change_events(ctx, req, ChangeObserver::kRemovedEvent));
  if (!outcome) return internal_error(outcome.error());
  if (outcome->delete_marker) {
    res.set_header("x-amz-delete-marker", "true");
    res.set_header("x-amz-version-id", outcome->version_id);
  }
  return res;
}

S3Result copy_object(S3Context& ctx, S3Request& req, Body*) {
  std::string src_bucket, src_key, src_version;
  if (auto err = parse_copy_source(*req.header("x-amz-copy-source"), src_bucket, src_key, &src_version))
    return *err;
  if (auto err = resolve_copy_source(ctx, src_bucket, src_key)) return *err;
  if (auto err = require_bucket(ctx, req)) return *err;
  auto source_bucket = ctx.views->find(src_bucket);
  if (!source_bucket) return no_such_bucket(src_bucket);

  ObjectRecord record;
  WriteHeaders written;
  if (auto err = read_write_headers(req, written)) return *err;
  record.storage_class = written.storage_class;

  auto opened = open_copy_source(ctx, src_bucket, src_key, src_version);
  if (auto* err = std::get_if<S3Error>(&opened)) return *err;
  auto& [source, file] = std::get<OpenedObject>(opened);
  ObjectMeta source_meta = ObjectMeta::from_json(source.meta);
  if (auto err = archived_error(source, source_meta, ctx.clock.now_ms())) return *err;
  if (auto err = evaluate_preconditions(req.http.headers, source, kCopySourceConditions, true))
    return *err;
  record_tiering_access(ctx.objects, source, source_meta, ctx.clock.now_ms());

  const std::string* directive = req.header("x-amz-metadata-directive");
  const bool replace = directive && *directive == "REPLACE";
  if (directive && *directive != "REPLACE" && *directive != "COPY")
    return s3_error("InvalidArgument", "Unknown metadata directive.")
        .with("ArgumentName", "x-amz-metadata-directive")
        .with("ArgumentValue", *directive);
  const std::string* tagging_directive = req.header("x-amz-tagging-directive");
  const bool replace_tags = tagging_directive && *tagging_directive == "REPLACE";

  ObjectMeta meta = source_meta;
  // The copy is a new object in its own class: no restore and no access tier of the source.
  meta.restore.reset();
  meta.access_tier.clear();
  if (replace) read_meta_headers(req.http.headers, meta);
  meta.tags = replace_tags ? written.tags : source_meta.tags;
  meta.encryption = written.encryption;  // the destination's, never the source's
  meta.acl = written.acl;                // likewise
  meta.owner = req.owner();
  meta.parts_count = 0;  // a copy is written whole
  meta.part_runs.clear();
  meta.part_checksums.clear();
  meta.upload_id.clear();

  const bool onto_itself = src_bucket == req.bucket() && src_key == req.key() && src_version.empty();
  if (onto_itself && !replace && !req.header("x-amz-storage-class") && !replace_tags &&
      !req.header("x-amz-server-side-encryption"))
    return s3_error("InvalidRequest",
                    "This copy request is illegal because it is trying to copy an object to "
                    "itself without changing the object's metadata, storage class, website "
                    "redirect location or encryption attributes.");

  record.bucket = req.bucket();
  record.key = req.key();
  record.size = source.size;
  record.last_modified_ms = ctx.clock.now_ms();

  auto writer = ctx.objects.create_blob();
  if (!writer) return internal_error(writer.error());
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  if (source.etag.find('-') == std::string::npos) {
    // A single-part source keeps its ETag; the kernel copies the bytes.
    if (auto s = blob->append_from(file->fd(), 0, source.size); !s) return internal_error(s);
    record.etag = source.etag;
  } else {
    // A multipart source becomes a single-part object whose ETag is the MD5 of its bytes.
    std::string md5_raw;
    if (auto s = copy_with_md5(file->fd(), 0, source.size, *blob, md5_raw); !s)
      return internal_error(s);
    record.etag = to_hex(md5_raw);
    if (meta.checksum_type == "COMPOSITE") meta.checksum_algorithm.clear();
  }
  record.blob_id = blob->id();
  record.meta = meta.to_json();
  const Versioning versioning = req.view->versioning;
  record.version_id = version_id_for(versioning);
  if (Status s = ctx.objects.put_object(record, std::move(blob), {}, versioning,
                                     change_events(ctx, req, "ObjectCreated:Copy"));
      !s)
    return internal_error(s);

  std::string body = "<CopyObjectResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(body, "LastModified", iso8601_ms(record.last_modified_ms));
  xml::element(body, "ETag", quote_etag(record.etag));
  if (!meta.checksum_algorithm.empty()) {
    if (auto alg = parse_checksum_algorithm(meta.checksum_algorithm)) {
      xml::element(body, "ChecksumType", meta.checksum_type);
      xml::element(body, checksum_xml_element(*alg), meta.checksum_value);
    }
  }
  body += "</CopyObjectResult>";
  HttpResponse res = xml_response(req, std::move(body));
  write_encryption_headers(meta.encryption, res);
  write_expiration_header(req, record, meta, res);
  set_version_header(versioning, record.version_id, res);
  if (source_bucket->versioning != Versioning::Unversioned)
    res.set_header("x-amz-copy-source-version-id", source.version_id);
  return res;
}

}  // namespace

void register_object_operations(OperationTable& table) {
  table["PutObject"] = {BodyKind::Blob, precheck_put, put_object};
  table["GetObject"] = {BodyKind::None, nullptr, get_object};
  table["HeadObject"] = {BodyKind::None, nullptr, head_object};
  table["DeleteObject"] = {BodyKind::None, nullptr, delete_object};
  table["CopyObject"] = {BodyKind::None, nullptr, copy_object};
}

}  // namespace bf
