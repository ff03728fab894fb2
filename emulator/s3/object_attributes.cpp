// GetObjectAttributes: what S3 knows of an object without its bytes, the attributes the
// x-amz-object-attributes header names: ETag, Checksum, ObjectParts, StorageClass, ObjectSize.
#include "emulator/base/time.h"
#include "emulator/s3/object_common.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/service.h"
#include "emulator/s3/versioning.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::uint64_t kMostParts = 1000;

// A multipart object's parts, as S3 lists them: one by one, each with its own checksum, only
// for a composite checksum (the parts' checksums make the object's); otherwise just the count.
void write_parts(const ObjectMeta& meta, std::uint64_t after, std::uint64_t max, std::string& out) {
  out += "<ObjectParts>";
  const auto count = static_cast<std::uint64_t>(meta.parts_count);
  const auto alg = parse_checksum_algorithm(meta.checksum_algorithm);
  if (meta.checksum_type == "COMPOSITE" && alg && meta.part_checksum(1)) {
    const std::uint64_t last = std::min(count, after + max);
    xml::element(out, "PartNumberMarker", after);
    if (last > after) xml::element(out, "NextPartNumberMarker", last);
    xml::element(out, "MaxParts", max);
    xml::element(out, "IsTruncated", last < count);
    for (std::uint64_t n = after + 1; n <= last; ++n) {
      const auto span = meta.part_span(static_cast<int>(n));
      const auto checksum = meta.part_checksum(static_cast<int>(n));
      if (!span || !checksum) break;
      out += "<Part>";
      xml::element(out, checksum_xml_element(*alg), *checksum);
      xml::element(out, "PartNumber", n);
      xml::element(out, "Size", span->second);
      out += "</Part>";
    }
  }
  xml::element(out, "PartsCount", count);
  out += "</ObjectParts>";
}

S3Result get_object_attributes(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const std::string* asked = req.header("x-amz-object-attributes");
  const auto names = asked ? split_comma_list(*asked) : std::vector<std::string>{};
  if (names.empty())
    return s3_error("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be "
                                      "retrieved is either missing or empty");
  static const char* const kKnown[] = {"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"};
  auto wanted = [&](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& name : names)
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
      return s3_error("InvalidArgument", "Invalid attribute name specified.")
          .with("ArgumentName", "x-amz-object-attributes")
          .with("ArgumentValue", name);
  std::uint64_t max_parts = kMostParts, marker = 0;
  if (const std::string* m = req.header("x-amz-max-parts")) {
    const auto parsed = parse_decimal(*m, 100000);
    if (!parsed) return s3_error("InvalidArgument", "Invalid max-parts").with("ArgumentName", "x-amz-max-parts");
    max_parts = std::min(*parsed, kMostParts);
  }
  if (const std::string* m = req.header("x-amz-part-number-marker")) {
    const auto parsed = parse_decimal(*m, 10000);
    if (!parsed)
      return s3_error("InvalidArgument", "Invalid part-number-marker").with("ArgumentName", "x-amz-part-number-marker");
    marker = *parsed;
  }

  const std::string* version = req.endpoint.query_param("versionId");
  std::optional<ObjectRecord> object;
  if (version) {
    auto opened = ctx.objects.open_version(req.bucket(), req.key(), *version);
    if (!opened) return s3_error("NoSuchVersion").with("Key", req.key()).with("VersionId", *version);
    object = std::move(opened->first);
    if (object->delete_marker) return s3_error("MethodNotAllowed");
  } else {
    object = ctx.objects.find_object(req.bucket(), req.key());
    if (!object) return no_such_key(req.key());
  }
  const ObjectMeta meta = ObjectMeta::from_json(object->meta);

  std::string out = "<GetObjectAttributesResponse xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  if (wanted("ETag")) xml::element(out, "ETag", object->etag);  // unquoted, unlike everywhere else
  if (wanted("Checksum") && !meta.checksum_algorithm.empty())
    if (auto alg = parse_checksum_algorithm(meta.checksum_algorithm)) {
      out += "<Checksum>";
      // A composite checksum without the "-N" that GET and HEAD give it.
      const std::string& value = meta.checksum_value;
      xml::element(out, checksum_xml_element(*alg), value.substr(0, value.find('-')));
      xml::element(out, "ChecksumType", meta.checksum_type);
      out += "</Checksum>";
    }
  if (wanted("ObjectParts") && meta.parts_count > 0) write_parts(meta, marker, max_parts, out);
  if (wanted("StorageClass")) xml::element(out, "StorageClass", object->storage_class);
  if (wanted("ObjectSize")) xml::element(out, "ObjectSize", object->size);
  out += "</GetObjectAttributesResponse>";
  HttpResponse res = xml_response(req, std::move(out));
  res.set_header("Last-Modified", http_date(object->last_modified_ms));
  set_version_header(req.view->versioning, object->version_id, res);
  return res;
}

}  // namespace

void register_object_attributes_operation(OperationTable& table) {
  table["GetObjectAttributes"] = {BodyKind::None, nullptr, get_object_attributes};
}

}  // namespace bf
