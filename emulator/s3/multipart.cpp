// Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
// ListMultipartUploads.
#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "emulator/base/time.h"
#include "sdk/json.h"

#include "emulator/s3/bucket_encryption.h"
#include "emulator/s3/object_common.h"
#include "emulator/s3/opaque_id.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/preconditions.h"
#include "emulator/s3/service.h"
#include "emulator/s3/versioning.h"
#include "emulator/s3/xml.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::uint64_t kMinPartSize = 5 * 1024 * 1024;
constexpr int kMaxPartNumber = 10000;

std::string new_upload_id() { return random_opaque_id(48); }

// The upload's settings kept beside the object metadata until completion.
struct UploadMeta {
  ObjectMeta object;
  std::string checksum_algorithm;  // from x-amz-checksum-algorithm
  std::string checksum_type;       // COMPOSITE or FULL_OBJECT
  std::string owner;

  std::string to_json() const {
    nlohmann::json j;
    j["object"] = object.to_json();
    j["checksum_algorithm"] = checksum_algorithm;
    j["checksum_type"] = checksum_type;
    j["owner"] = owner;
    return to_text(j);
  }
  static UploadMeta from_json(const std::string& text) {
    UploadMeta m;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return m;
    m.object = ObjectMeta::from_json(j.value("object", "{}"));
    m.checksum_algorithm = j.value("checksum_algorithm", "");
    m.checksum_type = j.value("checksum_type", "");
    m.owner = j.value("owner", "");
    return m;
  }
};

std::optional<S3Error> find_upload(S3Context& ctx, S3Request& req, UploadRecord& out) {
  const std::string* id = req.endpoint.query_param("uploadId");
  auto upload = id ? ctx.objects.find_upload(*id) : std::nullopt;
  if (!upload || upload->bucket != req.bucket() || upload->key != req.key())
    return s3_error("NoSuchUpload").with("UploadId", id ? *id : "");
  req.upload_class = upload->storage_class;
  out = std::move(*upload);
  return std::nullopt;
}

std::optional<S3Error> read_part_number(const S3Request& req, int& number) {
  const std::string* p = req.endpoint.query_param("partNumber");
  number = static_cast<int>(p ? parse_decimal(*p, 99999).value_or(0) : 0);
  if (number < 1 || number > kMaxPartNumber)
    return s3_error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
        .with("ArgumentName", "partNumber")
        .with("ArgumentValue", p ? *p : "");
  return std::nullopt;
}

S3Result create_upload(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  UploadRecord upload;
  UploadMeta meta;
  WriteHeaders written;
  if (auto err = read_write_headers(req, written)) return *err;
  upload.storage_class = written.storage_class;
  meta.object.tags = written.tags;
  meta.object.encryption = written.encryption;
  meta.object.acl = written.acl;
  read_meta_headers(req.http.headers, meta.object);
  meta.owner = req.owner();
  if (const std::string* alg = req.header("x-amz-checksum-algorithm")) {
    auto parsed = parse_checksum_algorithm(*alg);
    if (!parsed)
      return s3_error("InvalidRequest", "Checksum algorithm provided is unsupported. Please try "
                                        "again with any of the valid types: [CRC32, CRC32C, "
                                        "CRC64NVME, SHA1, SHA256]");
    meta.checksum_algorithm = checksum_name(*parsed);
    const std::string* type = req.header("x-amz-checksum-type");
    bool crc64 = *parsed == ChecksumAlgorithm::Crc64Nvme;
    bool sha = *parsed == ChecksumAlgorithm::Sha1 || *parsed == ChecksumAlgorithm::Sha256;
    meta.checksum_type = type ? *type : (crc64 ? "FULL_OBJECT" : "COMPOSITE");
    if ((meta.checksum_type != "COMPOSITE" && meta.checksum_type != "FULL_OBJECT") ||
        (crc64 && meta.checksum_type == "COMPOSITE") || (sha && meta.checksum_type == "FULL_OBJECT"))
      return s3_error("InvalidRequest", "The " + meta.checksum_type + " checksum type cannot be used with the " +
                                            meta.checksum_algorithm + " checksum algorithm.");
  }
  upload.upload_id = new_upload_id();
  upload.bucket = req.bucket();
  upload.key = req.key();
  upload.initiated_ms = ctx.clock.now_ms();
  upload.meta = meta.to_json();
  if (Status s = ctx.objects.create_upload(upload); !s) return internal_error(s);

  std::string out = "<InitiateMultipartUploadResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(out, "Bucket", upload.bucket);
  xml::element(out, "Key", upload.key);
  xml::element(out, "UploadId", upload.upload_id);
  out += "</InitiateMultipartUploadResult>";
  HttpResponse res = xml_response(req, std::move(out));
  write_encryption_headers(meta.object.encryption, res);
  if (!meta.checksum_algorithm.empty()) {
    res.set_header("x-amz-checksum-algorithm", meta.checksum_algorithm);
    res.set_header("x-amz-checksum-type", meta.checksum_type);
  }
  return res;
}

std::optional<S3Error> precheck_upload_part(S3Context& ctx, S3Request& req) {
  if (auto err = require_bucket(ctx, req)) return err;
  int number = 0;
  if (auto err = read_part_number(req, number)) return err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) return err;
  if (!req.http.content_length && !req.http.has_body) return s3_error("MissingContentLength");
  return std::nullopt;
}

std::string part_checksums_json(const Body& body) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [alg, raw] : body.checksums) j[checksum_name(alg)] = base64_encode(raw);
  return to_text(j);
}

S3Result upload_part(S3Context& ctx, S3Request& req, Body* body) {
  int number = 0;
  if (auto err = read_part_number(req, number)) return *err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) return *err;
  UploadMeta meta = UploadMeta::from_json(upload.meta);
  if (!meta.checksum_algorithm.empty() && body->client_checksum &&
      checksum_name(*body->client_checksum) != meta.checksum_algorithm)
    return s3_error("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: " +
                                          ascii_lower(meta.checksum_algorithm) + ", actual checksum Type: " +
                                          ascii_lower(checksum_name(*body->client_checksum)));
  PartRecord part;
  part.upload_id = upload.upload_id;
  part.part_number = number;
  part.blob_id = body->blob->id();
  part.size = body->size;
  part.etag = to_hex(body->md5);
  part.last_modified_ms = ctx.clock.now_ms();
  part.checksums = part_checksums_json(*body);
  Status s = ctx.objects.put_part(part, std::move(body->blob));
  if (s.is_not_found()) return s3_error("NoSuchUpload").with("UploadId", upload.upload_id);
  if (!s) return internal_error(s);
  HttpResponse res = make_response(req);
  res.set_header("ETag", quote_etag(part.etag));
  write_encryption_headers(meta.object.encryption, res);
  if (body->client_checksum)
    res.set_header(checksum_header(*body->client_checksum),
                   base64_encode(body->checksums[*body->client_checksum]));
  return res;
}

S3Result upload_part_copy(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  int number = 0;
  if (auto err = read_part_number(req, number)) return *err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) return *err;
  std::string src_bucket, src_key, src_version;
  if (auto err = parse_copy_source(*req.header("x-amz-copy-source"), src_bucket, src_key, &src_version)) return *err;
  if (auto err = resolve_copy_source(ctx, src_bucket, src_key)) return *err;
  if (!ctx.views->find(src_bucket)) return no_such_bucket(src_bucket);
  auto opened = open_copy_source(ctx, src_bucket, src_key, src_version);
  if (auto* err = std::get_if<S3Error>(&opened)) return *err;
  auto& [source, file] = std::get<OpenedObject>(opened);
  const ObjectMeta source_meta = ObjectMeta::from_json(source.meta);
  if (auto err = archived_error(source, source_meta, ctx.clock.now_ms())) return *err;
  if (auto err = evaluate_preconditions(req.http.headers, source, kCopySourceConditions, true))
    return *err;
  record_tiering_access(ctx.objects, source, source_meta, ctx.clock.now_ms());

  ByteRange range{0, source.size};
  if (const std::string* r = req.header("x-amz-copy-source-range")) {
    // Here only the explicit "bytes=first-last" form is allowed (digits only), within the object.
    const std::string_view spec = *r;
    const auto dash = spec.find('-');
    const auto first = spec.starts_with("bytes=") && dash != std::string_view::npos
                           ? parse_decimal(spec.substr(6, dash - 6)) : std::nullopt;
    const auto last = first ? parse_decimal(spec.substr(dash + 1)) : std::nullopt;
    if (!first || !last || *last < *first)
      return s3_error("InvalidArgument", "The x-amz-copy-source-range value must be of the form "
                                         "bytes=first-last where first and last are the "
                                         "zero-based offsets of the first and last bytes to copy")
          .with("ArgumentName", "x-amz-copy-source-range")
          .with("ArgumentValue", *r);
    if (*last >= source.size)
      return s3_error("InvalidArgument",
                      "Range specified is not valid for source object of size: " + std::to_string(source.size))
          .with("ArgumentName", "x-amz-copy-source-range")
          .with("ArgumentValue", *r);
    range = {*first, *last - *first + 1};
  }

  auto writer = ctx.objects.create_blob();
  if (!writer) return internal_error(writer.error());
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  std::string md5_raw;
  if (Status s = copy_with_md5(file->fd(), range.first, range.length, *blob, md5_raw); !s)
    return internal_error(s);
  PartRecord part;
  part.upload_id = upload.upload_id;
  part.part_number = number;
  part.blob_id = blob->id();
  part.size = range.length;
  part.etag = to_hex(md5_raw);
  part.last_modified_ms = ctx.clock.now_ms();
  part.checksums = "{}";
  Status s = ctx.objects.put_part(part, std::move(blob));
  if (s.is_not_found()) return s3_error("NoSuchUpload").with("UploadId", upload.upload_id);
  if (!s) return internal_error(s);

  std::string out = "<CopyPartResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(out, "LastModified", iso8601_ms(part.last_modified_ms));
  xml::element(out, "ETag", quote_etag(part.etag));
  out += "</CopyPartResult>";
  HttpResponse res = xml_response(req, std::move(out));
  write_encryption_headers(UploadMeta::from_json(upload.meta).object.encryption, res);
  if (!src_version.empty()) res.set_header("x-amz-copy-source-version-id", source.version_id);
  return res;
}

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// A part as CompleteMultipartUpload's body names it.
struct RequestedPart {
  int number;
  std::string etag;
  std::map<std::string, std::string> checksums;  // algorithm name -> base64
};

// The parts a CompleteMultipartUpload body lists; nullopt when it is not such a body.
std::optional<std::vector<RequestedPart>> read_requested_parts(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return std::nullopt;
  auto root = doc.child("CompleteMultipartUpload");
  if (!root) return std::nullopt;
  std::vector<RequestedPart> requested;
  for (auto p : root.children("Part")) {
    const auto number = parse_decimal(p.child_value("PartNumber"), 99999);
    if (!number) return std::nullopt;
    RequestedPart r{static_cast<int>(*number), strip_quotes(p.child_value("ETag")), {}};
    for (ChecksumAlgorithm alg : kAllChecksumAlgorithms)
      if (auto c = p.child(checksum_xml_element(alg).c_str())) r.checksums[checksum_name(alg)] = c.text().get();
    requested.push_back(std::move(r));
  }
  if (requested.empty()) return std::nullopt;
  return requested;
}

// A multipart object's ETag: the MD5 of its parts' MD5s, and how many there were.
std::string multipart_etag(const std::vector<std::string>& part_etags) {
  std::string md5s;
  for (const std::string& hex_md5 : part_etags)
    for (std::size_t i = 0; i + 1 < hex_md5.size(); i += 2)
      md5s.push_back(static_cast<char>(std::stoi(hex_md5.substr(i, 2), nullptr, 16)));
  return to_hex(md5(md5s)) + "-" + std::to_string(part_etags.size());
}

HttpResponse completed_answer(const S3Request& req, const ObjectRecord& record, const ObjectMeta& meta,
                              Versioning versioning) {
  std::string out = "<CompleteMultipartUploadResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  std::string host = req.header("Host") ? *req.header("Host") : "localhost";
  xml::element(out, "Location", "http://" + host + "/" + record.bucket + "/" + sigv4::uri_encode(record.key, false));
  xml::element(out, "Bucket", record.bucket);
  xml::element(out, "Key", record.key);
  xml::element(out, "ETag", quote_etag(record.etag));
  if (auto alg = parse_checksum_algorithm(meta.checksum_algorithm)) {
    xml::element(out, checksum_xml_element(*alg), meta.checksum_value);
    xml::element(out, "ChecksumType", meta.checksum_type);
  }
  out += "</CompleteMultipartUploadResult>";
  HttpResponse res = xml_response(req, std::move(out));
  write_encryption_headers(meta.encryption, res);
  write_expiration_header(req, record, meta, res);
  set_written_version_header(versioning, record.version_id, res);
  return res;
}

// SDKs retry CompleteMultipartUpload (its answer can be lost after the object is made): the
// same upload completed again with the same parts answers as the first time did.
std::optional<HttpResponse> repeated_completion(S3Context& ctx, S3Request& req, const std::string& body) {
  const std::string* id = req.endpoint.query_param("uploadId");
  if (!id) return std::nullopt;
  auto current = ctx.objects.find_latest(req.bucket(), req.key());
  if (!current || current->delete_marker) return std::nullopt;
  const ObjectMeta meta = ObjectMeta::from_json(current->meta);
  if (meta.upload_id != *id) return std::nullopt;
  const auto requested = read_requested_parts(body);
  if (!requested) return std::nullopt;
  std::vector<std::string> etags;
  for (const RequestedPart& r : *requested) etags.push_back(r.etag);
  if (multipart_etag(etags) != current->etag) return std::nullopt;
  return completed_answer(req, *current, meta, req.view->versioning);
}

S3Result complete_upload(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) {
    if (auto again = repeated_completion(ctx, req, body->text)) return std::move(*again);
    return *err;
  }
  UploadMeta meta = UploadMeta::from_json(upload.meta);

  const auto parsed = read_requested_parts(body->text);
  if (!parsed) return s3_error("MalformedXML");
  const std::vector<RequestedPart>& requested = *parsed;
  std::optional<ChecksumAlgorithm> alg = parse_checksum_algorithm(meta.checksum_algorithm);
  // S3 names algorithms in lower case in these messages.
  const std::string alg_name = ascii_lower(meta.checksum_algorithm);
  const std::string* claimed_type = req.header("x-amz-checksum-type");
  if (claimed_type && *claimed_type != (alg ? meta.checksum_type : "null"))
    return s3_error("InvalidRequest", "The upload was created using the " + (alg ? meta.checksum_type : "null") +
                                          " checksum mode. The complete request must use the same checksum mode.");

  std::map<int, PartRecord> stored;
  for (auto& p : ctx.objects.list_parts(upload.upload_id)) stored.emplace(p.part_number, std::move(p));

  auto invalid_part = [&](const RequestedPart& r) {
    return s3_error("InvalidPart")
        .with("UploadId", upload.upload_id)
        .with("PartNumber", std::to_string(r.number))
        .with("ETag", r.etag);
  };
  std::vector<const PartRecord*> parts;
  // The parts' own checksums in the upload's algorithm, one after another: a composite
  // checksum is the checksum of them, and GET by partNumber and GetObjectAttributes answer each.
  std::string part_digests;
  bool every_part_summed = alg.has_value();
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const RequestedPart& r = requested[i];
    if (i > 0 && r.number <= requested[i - 1].number) return s3_error("InvalidPartOrder").with("UploadId", upload.upload_id);
    auto it = stored.find(r.number);
    if (it == stored.end() || it->second.etag != r.etag) return invalid_part(r);
    auto part_checksums = nlohmann::json::parse(it->second.checksums, nullptr, false);
    for (const auto& [name, value] : r.checksums)
      if (!part_checksums.is_object() || part_checksums.value(name, "") != value)
        return s3_error("BadDigest", "The " + ascii_lower(name) + " you specified for part " +
                                         std::to_string(r.number) + " did not match what we received.");
    // A composite checksum is made of the parts' checksums: the request must list each.
    if (alg && meta.checksum_type == "COMPOSITE" && !r.checksums.count(meta.checksum_algorithm))
      return s3_error("InvalidRequest", "The upload was created using a " + alg_name +
                                            " checksum. The complete request must include the checksum for "
                                            "each part. It was missing for part " +
                                            std::to_string(r.number) + " in the request.");
    if (alg) {
      auto raw = base64_decode(part_checksums.is_object() ? part_checksums.value(meta.checksum_algorithm, "") : "");
      if (raw && raw->size() == checksum_size(*alg))
        part_digests += *raw;
      else
        every_part_summed = false;
    }
    parts.push_back(&it->second);
  }
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    if (parts[i]->size < kMinPartSize)
      return s3_error("EntityTooSmall")
          .with("ProposedSize", std::to_string(parts[i]->size))
          .with("MinSizeAllowed", std::to_string(kMinPartSize))
          .with("PartNumber", std::to_string(parts[i]->part_number))
          .with("ETag", parts[i]->etag);

  // Assemble the object: the kernel copies part bytes into one new blob.
  auto writer = ctx.objects.create_blob();
  if (!writer) return internal_error(writer.error());
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  std::vector<std::string> part_etags;
  for (const PartRecord* p : parts) {
    auto file = ctx.objects.open_blob(p->blob_id);
    if (!file) return internal_error(file.error());
    if (Status s = blob->append_from(file.value()->fd(), 0, p->size); !s) return internal_error(s);
    part_etags.push_back(p->etag);
  }

  ObjectMeta object_meta = meta.object;
  object_meta.owner = meta.owner;
  object_meta.parts_count = static_cast<int>(parts.size());
  object_meta.upload_id = upload.upload_id;
  for (const PartRecord* p : parts) {
    if (!object_meta.part_runs.empty() && object_meta.part_runs.back().first == p->size)
      ++object_meta.part_runs.back().second;
    else
      object_meta.part_runs.emplace_back(p->size, 1);
  }
  if (alg) {
    object_meta.checksum_algorithm = meta.checksum_algorithm;
    object_meta.checksum_type = meta.checksum_type;
    if (every_part_summed) object_meta.part_checksums = base64_encode(part_digests);
    if (meta.checksum_type == "COMPOSITE") {
      // Every part listed its checksum, and each matched the part's (checked above).
      if (!every_part_summed) return internal_error(Status::io_error("a part's checksum is missing"));
      object_meta.checksum_value = base64_encode(checksum_of(*alg, part_digests)) + "-" +
                                   std::to_string(parts.size());
    } else {
      // A full-object checksum needs the whole object's bytes once.
      Checksummer sum(*alg);
      std::vector<char> buf(256 * 1024);
      for (const PartRecord* p : parts) {
        // Opened again, one at a time: an upload's 10,000 parts never hold 10,000 descriptors.
        auto f = ctx.objects.open_blob(p->blob_id);
        if (!f) return internal_error(f.error());
        std::uint64_t off = 0;
        while (off < p->size) {
          ssize_t n = ::pread(f.value()->fd(), buf.data(), buf.size(), static_cast<off_t>(off));
          if (n <= 0) return internal_error(Status::io_error("short part"));
          sum.update(buf.data(), static_cast<std::size_t>(n));
          off += static_cast<std::uint64_t>(n);
        }
      }
      object_meta.checksum_value = sum.finish_base64();
    }
    // The client may state the whole object's checksum, of the type x-amz-checksum-type says
    // (composite without it, with or without its "-N"): another algorithm, type or value is
    // BadDigest, as S3 answers.
    const std::string type = claimed_type ? *claimed_type : "COMPOSITE";
    const std::string& value = object_meta.checksum_value;
    for (ChecksumAlgorithm other : kAllChecksumAlgorithms) {
      const std::string* claimed = req.header(checksum_header(other));
      if (!claimed) continue;
      const bool matches = other == *alg && type == meta.checksum_type &&
                           (*claimed == value || (type == "COMPOSITE" && *claimed == value.substr(0, value.find('-'))));
      if (!matches) return s3_error("BadDigest", "The " + alg_name + " you specified did not match the calculated checksum.");
    }
  }

  ObjectRecord record;
  record.bucket = upload.bucket;
  record.key = upload.key;
  record.blob_id = blob->id();
  record.size = blob->size();
  record.etag = multipart_etag(part_etags);
  record.last_modified_ms = ctx.clock.now_ms();
  record.storage_class = upload.storage_class;
  record.meta = object_meta.to_json();
  auto condition = write_condition(req);
  if (auto* err = std::get_if<S3Error>(&condition)) return *err;
  const Versioning versioning = req.view->versioning;
  record.version_id = version_id_for(versioning);
  Status s = ctx.objects.complete_upload(upload.upload_id, record, std::move(blob),
                                         std::get<WriteCondition>(condition), versioning,
                                         change_events(ctx, req, "ObjectCreated:CompleteMultipartUpload"));
  if (s.is_precondition_failed()) return write_condition_error(s, req.key());
  if (s.is_not_found()) return s3_error("NoSuchUpload").with("UploadId", upload.upload_id);
  if (!s) return internal_error(s);

  return completed_answer(req, record, object_meta, versioning);
}

S3Result abort_upload(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) return *err;
  Status s = ctx.objects.abort_upload(upload.upload_id);
  if (s.is_not_found()) return s3_error("NoSuchUpload").with("UploadId", upload.upload_id);
  if (!s) return internal_error(s);
  return make_response(req, 204);
}

S3Result list_parts(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  UploadRecord upload;
  if (auto err = find_upload(ctx, req, upload)) return *err;
  UploadMeta meta = UploadMeta::from_json(upload.meta);
  int marker = 0;
  std::size_t max_parts = 1000;
  if (const std::string* m = req.endpoint.query_param("part-number-marker"))
    marker = std::atoi(m->c_str());
  if (const std::string* m = req.endpoint.query_param("max-parts"))
    max_parts = std::min<std::size_t>(std::max(0, std::atoi(m->c_str())), 1000);

  std::vector<PartRecord> page;
  bool truncated = false;
  for (auto& p : ctx.objects.list_parts(upload.upload_id)) {
    if (p.part_number <= marker) continue;
    if (page.size() == max_parts) {
      truncated = true;
      break;
    }
    page.push_back(std::move(p));
  }
  std::string out = "<ListPartsResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(out, "Bucket", upload.bucket);
  xml::element(out, "Key", upload.key);
  xml::element(out, "UploadId", upload.upload_id);
  out += initiator_xml(meta.owner);
  out += owner_xml("Owner", meta.owner);
  xml::element(out, "StorageClass", upload.storage_class);
  xml::element(out, "PartNumberMarker", static_cast<std::uint64_t>(marker));
  if (!page.empty())
    xml::element(out, "NextPartNumberMarker", static_cast<std::uint64_t>(page.back().part_number));
  xml::element(out, "MaxParts", static_cast<std::uint64_t>(max_parts));
  xml::element(out, "IsTruncated", truncated);
  if (!meta.checksum_algorithm.empty()) {
    xml::element(out, "ChecksumAlgorithm", meta.checksum_algorithm);
    xml::element(out, "ChecksumType", meta.checksum_type);
  }
  for (const auto& p : page) {
    out += "<Part>";
    xml::element(out, "PartNumber", static_cast<std::uint64_t>(p.part_number));
    xml::element(out, "LastModified", iso8601_ms(p.last_modified_ms));
    xml::element(out, "ETag", quote_etag(p.etag));
    xml::element(out, "Size", p.size);
    auto cs = nlohmann::json::parse(p.checksums, nullptr, false);
    if (cs.is_object())
      for (auto& [name, value] : cs.items())
        if (auto a = parse_checksum_algorithm(name)) xml::element(out, checksum_xml_element(*a), value.get<std::string>());
    out += "</Part>";
  }
  out += "</ListPartsResult>";
  return xml_response(req, std::move(out));
}

S3Result list_uploads(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto get = [&](const char* name) {
    const std::string* v = req.endpoint.query_param(name);
    return v ? *v : std::string();
  };
  std::string prefix = get("prefix"), key_marker = get("key-marker"),
              id_marker = get("upload-id-marker");
  std::size_t max_uploads = 1000;
  if (const std::string* m = req.endpoint.query_param("max-uploads"))
    max_uploads = std::min<std::size_t>(std::max(0, std::atoi(m->c_str())), 1000);

  std::vector<UploadRecord> page;
  bool truncated = false;
  for (auto& u : ctx.objects.list_uploads(req.bucket())) {
    if (!u.key.starts_with(prefix)) continue;
    if (!key_marker.empty() && (u.key < key_marker || (u.key == key_marker && (id_marker.empty() || u.upload_id <= id_marker))))
      continue;
    if (page.size() == max_uploads) {
      truncated = true;
      break;
    }
    page.push_back(std::move(u));
  }
  std::string out = "<ListMultipartUploadsResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(out, "Bucket", req.bucket());
  xml::element(out, "KeyMarker", key_marker);
  xml::element(out, "UploadIdMarker", id_marker);
  if (truncated && !page.empty()) {
    xml::element(out, "NextKeyMarker", page.back().key);
    xml::element(out, "NextUploadIdMarker", page.back().upload_id);
  }
  if (!prefix.empty()) xml::element(out, "Prefix", prefix);
  xml::element(out, "MaxUploads", static_cast<std::uint64_t>(max_uploads));
  xml::element(out, "IsTruncated", truncated);
  for (const auto& u : page) {
    UploadMeta meta = UploadMeta::from_json(u.meta);
    out += "<Upload>";
    xml::element(out, "Key", u.key);
    xml::element(out, "UploadId", u.upload_id);
    out += initiator_xml(meta.owner);
    out += owner_xml("Owner", meta.owner);
    xml::element(out, "StorageClass", u.storage_class);
    xml::element(out, "Initiated", iso8601_ms(u.initiated_ms));
    if (!meta.checksum_algorithm.empty()) {
      xml::element(out, "ChecksumAlgorithm", meta.checksum_algorithm);
      xml::element(out, "ChecksumType", meta.checksum_type);
    }
    out += "</Upload>";
  }
  out += "</ListMultipartUploadsResult>";
  return xml_response(req, std::move(out));
}

}  // namespace

void register_multipart_operations(OperationTable& table) {
  table["CreateMultipartUpload"] = {BodyKind::None, nullptr, create_upload};
  table["UploadPart"] = {BodyKind::Blob, precheck_upload_part, upload_part};
  table["UploadPartCopy"] = {BodyKind::None, nullptr, upload_part_copy};
  table["CompleteMultipartUpload"] = {BodyKind::Text, nullptr, complete_upload};
  table["AbortMultipartUpload"] = {BodyKind::None, nullptr, abort_upload};
  table["ListParts"] = {BodyKind::None, nullptr, list_parts};
  table["ListMultipartUploads"] = {BodyKind::None, nullptr, list_uploads};
}

}  // namespace bf
