// Object tagging: PutObjectTagging, GetObjectTagging, DeleteObjectTagging.
#include <pugixml.hpp>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

// Rewrites an object's tags in place; the bytes and ETag stay as they are.
S3Result change_tags(S3Context& ctx, S3Request& req, const Pairs& tags, int status,
                     const char* event_name) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto object = ctx.objects.find_object(req.bucket(), req.key());
  if (!object) return no_such_key(req.key());
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  meta.tags = tags;
  object->meta = meta.to_json();
  Status s = ctx.objects.update_object(*object, change_events(ctx, req, event_name));
  if (!s) return s3_error("ConditionalRequestConflict");
  return make_response(req, status);
}

S3Result put_tagging(S3Context& ctx, S3Request& req, Body* body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body->text.data(), body->text.size())) return s3_error("MalformedXML");
  auto set = doc.child("Tagging").child("TagSet");
  if (!set) return s3_error("MalformedXML");
  Pairs tags;
  for (auto tag : set.children("Tag")) {
    if (!tag.child("Key")) return s3_error("MalformedXML");
    tags.emplace_back(tag.child_value("Key"), tag.child_value("Value"));
  }
  if (auto err = validate_tags(tags)) return *err;
  return change_tags(ctx, req, tags, 200, "ObjectTagging:Put");
}

S3Result delete_tagging(S3Context& ctx, S3Request& req, Body*) {
  return change_tags(ctx, req, {}, 204, "ObjectTagging:Delete");
}

S3Result get_tagging(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto object = ctx.objects.find_object(req.bucket(), req.key());
  if (!object) return no_such_key(req.key());
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  std::string out = "<Tagging xmlns=\"" + std::string(xml::kS3Namespace) + "\"><TagSet>";
  for (const auto& [k, v] : meta.tags) {
    out += "<Tag>";
    xml::element(out, "Key", k);
    xml::element(out, "Value", v);
    out += "</Tag>";
  }
  out += "</TagSet></Tagging>";
  return xml_response(req, std::move(out));
}

}  // namespace

void register_tagging_operations(OperationTable& table) {
  table["PutObjectTagging"] = {BodyKind::Text, nullptr, put_tagging};
  table["GetObjectTagging"] = {BodyKind::None, nullptr, get_tagging};
  table["DeleteObjectTagging"] = {BodyKind::None, nullptr, delete_tagging};
}

}  // namespace bf
