#include "emulator/s3/object_meta.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "sdk/json.h"
#include <set>

#include "emulator/s3/metadata_encoding.h"
#include "emulator/s3/router.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

// The content headers S3 stores with an object and returns on GET/HEAD.
const char* const kStoredHeaders[] = {"Content-Type",     "Content-Encoding", "Content-Disposition",
                                      "Content-Language", "Cache-Control",    "Expires",
                                      "x-amz-website-redirect-location"};

nlohmann::json pairs_to_json(const Pairs& pairs) {
  auto arr = nlohmann::json::array();
  for (const auto& [k, v] : pairs) arr.push_back({k, v});
  return arr;
}

Pairs pairs_from_json(const nlohmann::json& j) {
  Pairs out;
  if (j.is_array())
    for (const auto& p : j) out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  return out;
}


}  // namespace

std::optional<std::pair<std::uint64_t, std::uint64_t>> ObjectMeta::part_span(int number) const {
  if (number < 1) return std::nullopt;
  std::uint64_t start = 0;
  int before = 0;  // parts in the runs already passed
  for (const auto& [size, count] : part_runs) {
    if (number <= before + count) return std::pair{start + size * static_cast<std::uint64_t>(number - before - 1), size};
    start += size * static_cast<std::uint64_t>(count);
    before += count;
  }
  return std::nullopt;
}

std::optional<std::string> ObjectMeta::part_checksum(int number) const {
  const auto alg = parse_checksum_algorithm(checksum_algorithm);
  if (!alg || number < 1 || number > parts_count || part_checksums.empty()) return std::nullopt;
  const auto raw = base64_decode(part_checksums);
  const std::size_t size = checksum_size(*alg);
  const std::size_t at = static_cast<std::size_t>(number - 1) * size;
  if (!raw || raw->size() != size * static_cast<std::size_t>(parts_count)) return std::nullopt;
  return base64_encode(raw->substr(at, size));
}

std::string ObjectMeta::to_json() const {
  nlohmann::json j;
  j["headers"] = pairs_to_json(headers);
  j["user"] = pairs_to_json(user);
  j["tags"] = pairs_to_json(tags);
  j["owner"] = owner;
  if (!checksum_algorithm.empty()) {
    j["checksum"] = {{"algorithm", checksum_algorithm}, {"value", checksum_value}, {"type", checksum_type}};
  }
  if (parts_count) j["parts"] = parts_count;
  if (!part_runs.empty()) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& [size, count] : part_runs) runs.push_back({size, count});
    j["part_runs"] = std::move(runs);
  }
  if (!part_checksums.empty()) j["part_checksums"] = part_checksums;
  if (!upload_id.empty()) j["upload_id"] = upload_id;
  if (!acl.empty()) j["acl"] = pairs_to_json(acl);
  if (encryption.algorithm != "AES256")
    j["sse"] = {{"algorithm", encryption.algorithm}, {"kms_key", encryption.kms_key_id},
                {"bucket_key", encryption.bucket_key}};
  if (!access_tier.empty()) j["access_tier"] = access_tier;
  if (restore)
    j["restore"] = {{"tier", restore->tier},
                    {"days", restore->days},
                    {"requested", restore->requested_ms},
                    {"completes", restore->completes_ms},
                    {"expires", restore->expires_ms},
                    {"ready", restore->copy_ready}};
  if (class_since_ms) j["class_since"] = class_since_ms;
  return to_text(j);
}

ObjectMeta ObjectMeta::from_json(const std::string& text) {
  ObjectMeta m;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return m;
  m.headers = pairs_from_json(j.value("headers", nlohmann::json::array()));
  m.user = pairs_from_json(j.value("user", nlohmann::json::array()));
  m.tags = pairs_from_json(j.value("tags", nlohmann::json::array()));
  m.owner = j.value("owner", "");
  if (j.contains("checksum")) {
    const auto& c = j["checksum"];
    m.checksum_algorithm = c.value("algorithm", "");
    m.checksum_value = c.value("value", "");
    m.checksum_type = c.value("type", "");
  }
  m.parts_count = j.value("parts", 0);
  if (const auto runs = j.find("part_runs"); runs != j.end() && runs->is_array())
    for (const auto& run : *runs)
      if (run.is_array() && run.size() == 2 && run[0].is_number_unsigned() && run[1].is_number_integer())
        m.part_runs.emplace_back(run[0].get<std::uint64_t>(), run[1].get<int>());
  m.part_checksums = j.value("part_checksums", "");
  m.upload_id = j.value("upload_id", "");
  m.acl = pairs_from_json(j.value("acl", nlohmann::json::array()));
  if (const auto sse = j.find("sse"); sse != j.end() && sse->is_object())
    m.encryption = Encryption{sse->value("algorithm", "AES256"), sse->value("kms_key", ""),
                              sse->value("bucket_key", false)};
  m.access_tier = j.value("access_tier", "");
  if (j.contains("restore") && j["restore"].is_object()) {
    const auto& r = j["restore"];
    m.restore = RestoreState{r.value("tier", ""), r.value("days", 0),
                             r.value("requested", std::int64_t{0}), r.value("completes", std::int64_t{0}),
                             r.value("expires", std::int64_t{0}), r.value("ready", false)};
  }
  m.class_since_ms = j.value("class_since", std::int64_t{0});
  return m;
}

void read_meta_headers(const Headers& headers, ObjectMeta& meta) {
  meta.headers.clear();
  meta.user.clear();
  for (const char* name : kStoredHeaders) {
    if (const std::string* v = find_header(headers, name)) {
      std::string value = *v;
      // aws-chunked is transfer framing, not a property of the object.
      // The rest is stored as it was sent ("deflate, gzip" keeps its space).
      if (iequals(name, "Content-Encoding")) {
        std::string kept;
        std::size_t start = 0;
        while (start <= value.size()) {
          std::size_t comma = value.find(',', start);
          if (comma == std::string::npos) comma = value.size();
          const std::string piece = value.substr(start, comma - start);
          if (!iequals(trim_blanks(piece), "aws-chunked")) kept += (kept.empty() ? "" : ",") + piece;
          start = comma + 1;
        }
        kept = std::string(trim_blanks(kept));
        if (kept.empty()) continue;
        value = kept;
      }
      meta.headers.emplace_back(name, value);
    }
  }
  for (const auto& [k, v] : headers) {
    if (k.size() > 11 && iequals(std::string_view(k).substr(0, 11), "x-amz-meta-"))
      meta.user.emplace_back(ascii_lower(k.substr(11)), decode_metadata_value(v));
  }
}

void write_meta_headers(const ObjectMeta& meta, HttpResponse& res) {
  bool has_type = false;
  for (const auto& [k, v] : meta.headers) {
    res.set_header(k, v);
    if (k == "Content-Type") has_type = true;
  }
  if (!has_type) res.set_header("Content-Type", kDefaultContentType);
  for (const auto& [k, v] : meta.user) res.set_header("x-amz-meta-" + k, encode_metadata_value(v));
}

std::optional<S3Error> read_storage_class(const Headers& headers, std::string& storage_class) {
  static const std::set<std::string> kClasses = {
      "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
      "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"};
  storage_class = "STANDARD";
  if (const std::string* v = find_header(headers, "x-amz-storage-class")) {
    if (!kClasses.count(*v)) return s3_error("InvalidStorageClass");
    storage_class = *v;
  }
  return std::nullopt;
}

std::optional<S3Error> validate_tags(const Pairs& tags) {
  if (tags.size() > 10)
    return s3_error("BadRequest", "Object tags cannot be greater than 10");
  std::set<std::string> seen;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) return s3_error("InvalidTag", "The TagKey you have provided is invalid");
    if (v.size() > 256) return s3_error("InvalidTag", "The TagValue you have provided is invalid");
    if (!seen.insert(k).second) return s3_error("InvalidTag", "Cannot provide multiple Tags with the same key");
  }
  return std::nullopt;
}

std::optional<S3Error> parse_tagging_header(const std::string& value, Pairs& tags) {
  sigv4::Params params;
  if (!parse_query(value, params)) return s3_error("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
  tags.assign(params.begin(), params.end());
  return validate_tags(tags);
}

std::optional<S3Error> parse_tag_set_xml(const std::string& text, Pairs& tags) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto set = doc.child("Tagging").child("TagSet");
  if (!set) return s3_error("MalformedXML");
  tags.clear();
  for (auto tag : set.children("Tag")) {
    if (!tag.child("Key")) return s3_error("MalformedXML");
    tags.emplace_back(tag.child_value("Key"), tag.child_value("Value"));
  }
  return std::nullopt;
}

std::string tag_set_xml(const Pairs& tags) {
  std::string out = "<Tagging xmlns=\"" + std::string(xml::kS3Namespace) + "\"><TagSet>";
  for (const auto& [k, v] : tags) {
    out += "<Tag>";
    xml::element(out, "Key", k);
    xml::element(out, "Value", v);
    out += "</Tag>";
  }
  out += "</TagSet></Tagging>";
  return out;
}

}  // namespace bf
