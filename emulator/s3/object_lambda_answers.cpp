#include "emulator/s3/object_lambda_answers.h"

#include <optional>

#include "emulator/s3/s3_error.h"
#include "emulator/s3/xml.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

struct Field {
  const char* json;
  const char* xml;
};

// ListBucketResult's elements in the order S3 writes them, by their JSON names.
constexpr Field kListV1Fields[] = {{"name", "Name"},           {"prefix", "Prefix"},
                                   {"marker", "Marker"},       {"nextMarker", "NextMarker"},
                                   {"maxKeys", "MaxKeys"},     {"delimiter", "Delimiter"},
                                   {"isTruncated", "IsTruncated"}, {"encodingType", "EncodingType"}};
constexpr Field kListV2Fields[] = {{"name", "Name"},
                                   {"prefix", "Prefix"},
                                   {"continuationToken", "ContinuationToken"},
                                   {"nextContinuationToken", "NextContinuationToken"},
                                   {"keyCount", "KeyCount"},
                                   {"maxKeys", "MaxKeys"},
                                   {"delimiter", "Delimiter"},
                                   {"isTruncated", "IsTruncated"},
                                   {"startAfter", "StartAfter"},
                                   {"encodingType", "EncodingType"}};
constexpr Field kContentsFields[] = {{"key", "Key"},
                                     {"lastModified", "LastModified"},
                                     {"eTag", "ETag"},
                                     {"checksumAlgorithm", "ChecksumAlgorithm"},
                                     {"size", "Size"},
                                     {"storageClass", "StorageClass"}};

HttpResponse invalid_response(const std::string& why, const std::string& request_id) {
  return error_response(s3_error("LambdaInvalidResponse", "The Lambda function returned an invalid response: " + why),
                        request_id);
}

// A header name is an RFC 9110 token; a value never holds a line break or NUL (it would end
// the header and start another).
bool header_name_ok(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 32 || c >= 127 || std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}
bool header_value_ok(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

// A scalar as header or element text; nullopt for objects, arrays and null.
std::optional<std::string> scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer() || value.is_number_unsigned() || value.is_number_float()) return value.dump();
  return std::nullopt;
}

// Writes the fields of `object` that `fields` names, in that order; false on a value that is
// not a scalar.
template <std::size_t N>
bool write_fields(std::string& out, const Json& object, const Field (&fields)[N]) {
  for (const Field& f : fields) {
    auto it = object.find(f.json);
    if (it == object.end() || it->is_null()) continue;
    auto text = scalar_text(*it);
    if (!text) return false;
    xml::element(out, f.xml, *text);
  }
  return true;
}

// listBucketResult → S3's XML; nullopt when it is not the documented shape.
std::optional<std::string> list_bucket_result_xml(const Json& result, bool v2) {
  if (!result.is_object()) return std::nullopt;
  std::string out = std::string(xml::kDeclaration) + "<ListBucketResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  if (!(v2 ? write_fields(out, result, kListV2Fields) : write_fields(out, result, kListV1Fields))) return std::nullopt;
  if (auto contents = result.find("contents"); contents != result.end() && !contents->is_null()) {
    if (!contents->is_array()) return std::nullopt;
    for (const Json& item : *contents) {
      if (!item.is_object()) return std::nullopt;
      out += "<Contents>";
      if (!write_fields(out, item, kContentsFields)) return std::nullopt;
      if (auto owner = item.find("owner"); owner != item.end() && owner->is_object()) {
        out += "<Owner>";
        constexpr Field kOwner[] = {{"id", "ID"}, {"displayName", "DisplayName"}};
        if (!write_fields(out, *owner, kOwner)) return std::nullopt;
        out += "</Owner>";
      }
      out += "</Contents>";
    }
  }
  if (auto prefixes = result.find("commonPrefixes"); prefixes != result.end() && !prefixes->is_null()) {
    if (!prefixes->is_array()) return std::nullopt;
    for (const Json& item : *prefixes) {
      if (!item.is_object()) return std::nullopt;
      out += "<CommonPrefixes>";
      constexpr Field kPrefix[] = {{"prefix", "Prefix"}};
      if (!write_fields(out, item, kPrefix)) return std::nullopt;
      out += "</CommonPrefixes>";
    }
  }
  out += "</ListBucketResult>";
  return out;
}

HttpResponse head_answer(const Json& answer, int status, const std::string& request_id) {
  HttpResponse res;
  res.status = status;
  for (const char* section : {"headers", "metadata"}) {
    auto it = answer.find(section);
    if (it == answer.end() || it->is_null()) continue;
    if (!it->is_object()) return invalid_response(std::string(section) + " must be an object", request_id);
    const bool metadata = std::string_view(section) == "metadata";
    for (const auto& [name, value] : it->items()) {
      auto text = scalar_text(value);
      if (!text || !header_name_ok(name) || !header_value_ok(*text))
        return invalid_response("the header " + name + " has no usable value", request_id);
      if (metadata) {
        res.set_header("x-amz-meta-" + name, *text);
      } else if (iequals(name, "Content-Length")) {
        auto length = parse_decimal(*text, UINT64_MAX);
        if (!length) return invalid_response("Content-Length must be a number", request_id);
        res.head_content_length = *length;
      } else if (!iequals(name, "x-amz-request-id") && !iequals(name, "x-amz-id-2") &&
                 !iequals(name, "Transfer-Encoding") && !iequals(name, "Connection")) {
        res.set_header(name, *text);
      }
    }
  }
  if (!res.head_content_length) res.head_content_length = 0;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", request_id);
  return res;
}

}  // namespace

HttpResponse object_lambda_answer(std::string_view operation, std::string_view payload, const std::string& request_id) {
  Json answer = Json::parse(payload, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) return invalid_response("not a JSON object", request_id);
  auto status_it = answer.find("statusCode");
  if (status_it == answer.end() || !status_it->is_number_integer())
    return invalid_response("statusCode is missing or not a number", request_id);
  const auto status = status_it->get<std::int64_t>();
  if (status < 200 || status > 599) return invalid_response("statusCode is not an HTTP status", request_id);

  auto text_of = [&](const char* name) -> std::string {
    auto it = answer.find(name);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const std::string error_code = text_of("errorCode");
  if (status >= 400) {
    // The function answers with an error: the client gets it in S3's error shape.
    S3Error e = s3_error(error_code.empty() ? "LambdaError" : error_code, text_of("errorMessage"));
    e.status = static_cast<int>(status);
    return error_response(e, request_id);
  }
  if (operation == "HeadObject") return head_answer(answer, static_cast<int>(status), request_id);

  auto xml_it = answer.find("listResultXml");
  auto result_it = answer.find("listBucketResult");
  const bool has_xml = xml_it != answer.end() && !xml_it->is_null();
  const bool has_result = result_it != answer.end() && !result_it->is_null();
  if (has_xml == has_result)
    return invalid_response("exactly one of listResultXml and listBucketResult must be given", request_id);
  std::string body;
  if (has_xml) {
    if (!xml_it->is_string()) return invalid_response("listResultXml must be a string", request_id);
    body = xml_it->get<std::string>();
  } else {
    auto xml_text = list_bucket_result_xml(*result_it, operation == "ListObjectsV2");
    if (!xml_text) return invalid_response("listBucketResult is not a ListBucketResult", request_id);
    body = std::move(*xml_text);
  }
  HttpResponse res;
  res.status = static_cast<int>(status);
  res.set_header("Content-Type", "application/xml");
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", request_id);
  res.body = std::move(body);
  return res;
}

}  // namespace bf
