#include "sdk/s3_event.h"

#include <stdexcept>

namespace bf {

namespace {

const Json& member(const Json& object, const char* name, const std::string& where) {
  if (!object.is_object() || !object.contains(name))
    throw std::invalid_argument(where + "." + name + " is missing");
  return object.at(name);
}

std::string text(const Json& object, const char* name, const std::string& where) {
  const Json& v = member(object, name, where);
  if (!v.is_string()) throw std::invalid_argument(where + "." + name + " is not a string");
  return v.get<std::string>();
}

std::string optional_text(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string encode_event_key(std::string_view key) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '_' || c == '-' || c == '*' || c == '/') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string decode_event_key(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 && hex_value(encoded[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Json S3EventRecord::to_json() const {
  Json object = {{"key", encode_event_key(key)}};
  if (size) object["size"] = *size;
  if (!etag.empty()) object["eTag"] = etag;
  if (!version_id.empty()) object["versionId"] = version_id;
  object["sequencer"] = sequencer;
  Json record{
      {"eventVersion", event_version},
      {"eventSource", event_source},
      {"awsRegion", aws_region},
      {"eventTime", event_time},
      {"eventName", event_name},
      {"userIdentity", {{"principalId", principal_id}}},
      {"requestParameters", {{"sourceIPAddress", source_ip}}},
      {"responseElements", {{"x-amz-request-id", request_id}, {"x-amz-id-2", host_id}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", configuration_id},
        {"bucket",
         {{"name", bucket_name},
          {"ownerIdentity", {{"principalId", bucket_owner}}},
          {"arn", bucket_arn}}},
        {"object", object}}}};
  if (!restore_storage_class.empty())
    record["glacierEventData"] = {
        {"restoreEventData",
         {{"lifecycleRestorationExpiryTime", restore_expiry_time},
          {"lifecycleRestoreStorageClass", restore_storage_class}}}};
  if (!transition_storage_class.empty())
    record["lifecycleEventData"] = {
        {"transitionEventData", {{"destinationStorageClass", transition_storage_class}}}};
  if (!destination_access_tier.empty())
    record["intelligentTieringEventData"] = {{"destinationAccessTier", destination_access_tier}};
  return record;
}

S3EventRecord S3EventRecord::from_json(const Json& r) {
  S3EventRecord out;
  out.event_version = text(r, "eventVersion", "record");
  out.event_source = text(r, "eventSource", "record");
  out.aws_region = text(r, "awsRegion", "record");
  out.event_time = text(r, "eventTime", "record");
  out.event_name = text(r, "eventName", "record");
  out.principal_id = optional_text(r.value("userIdentity", Json::object()), "principalId");
  out.source_ip = optional_text(r.value("requestParameters", Json::object()), "sourceIPAddress");
  const Json response = r.value("responseElements", Json::object());
  out.request_id = optional_text(response, "x-amz-request-id");
  out.host_id = optional_text(response, "x-amz-id-2");
  const Json& s3 = member(r, "s3", "record");
  out.configuration_id = optional_text(s3, "configurationId");
  const Json& bucket = member(s3, "bucket", "record.s3");
  out.bucket_name = text(bucket, "name", "record.s3.bucket");
  out.bucket_owner = optional_text(bucket.value("ownerIdentity", Json::object()), "principalId");
  out.bucket_arn = optional_text(bucket, "arn");
  const Json& object = member(s3, "object", "record.s3");
  out.key = decode_event_key(text(object, "key", "record.s3.object"));
  if (auto it = object.find("size"); it != object.end()) {
    if (!it->is_number_unsigned() && !it->is_number_integer())
      throw std::invalid_argument("record.s3.object.size is not a number");
    out.size = it->get<std::uint64_t>();
  }
  out.etag = optional_text(object, "eTag");
  out.version_id = optional_text(object, "versionId");
  out.sequencer = optional_text(object, "sequencer");
  const Json restore =
      r.value("glacierEventData", Json::object()).value("restoreEventData", Json::object());
  out.restore_expiry_time = optional_text(restore, "lifecycleRestorationExpiryTime");
  out.restore_storage_class = optional_text(restore, "lifecycleRestoreStorageClass");
  out.transition_storage_class = optional_text(
      r.value("lifecycleEventData", Json::object()).value("transitionEventData", Json::object()),
      "destinationStorageClass");
  out.destination_access_tier =
      optional_text(r.value("intelligentTieringEventData", Json::object()), "destinationAccessTier");
  return out;
}

Json S3Event::to_json() const {
  Json list = Json::array();
  for (const auto& r : records) list.push_back(r.to_json());
  return Json{{"Records", std::move(list)}};
}

S3Event S3Event::from_json(const Json& event) {
  if (!event.is_object() || !event.contains("Records") || !event.at("Records").is_array())
    throw std::invalid_argument("event has no Records array");
  S3Event out;
  for (const auto& r : event.at("Records")) out.records.push_back(S3EventRecord::from_json(r));
  return out;
}

bool S3Event::matches(const Json& event) {
  if (!event.is_object()) return false;
  auto it = event.find("Records");
  if (it == event.end() || !it->is_array() || it->empty()) return false;
  for (const auto& r : *it)
    if (!r.is_object() || r.value("eventSource", "") != "aws:s3") return false;
  return true;
}

}  // namespace bf
