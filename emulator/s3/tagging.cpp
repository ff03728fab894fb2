// Object tagging (Put/Get/DeleteObjectTagging) and bucket tagging (Put/Get/DeleteBucketTagging).
#include <set>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/service.h"

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
  Pairs tags;
  if (auto err = parse_tag_set_xml(body->text, tags)) return *err;
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
  return xml_response(req, tag_set_xml(meta.tags));
}

// The bucket config document a bucket's tags are kept in, as the <Tagging> document.
constexpr const char* kBucketTaggingConfigName = "tagging";

// A bucket takes up to 50 tags, none of them in the aws: namespace.
std::optional<S3Error> validate_bucket_tags(const Pairs& tags) {
  if (tags.size() > 50) return s3_error("InvalidTag", "Bucket tag count cannot be greater than 50");
  std::set<std::string> seen;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) return s3_error("InvalidTag", "The TagKey you have provided is invalid");
    if (v.size() > 256) return s3_error("InvalidTag", "The TagValue you have provided is invalid");
    if (k.starts_with("aws:")) return s3_error("InvalidTag", "System tags cannot be added/updated by requester");
    if (!seen.insert(k).second) return s3_error("InvalidTag", "Cannot provide multiple Tags with the same key");
  }
  return std::nullopt;
}

S3Result put_bucket_tagging(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  Pairs tags;
  if (auto err = parse_tag_set_xml(body->text, tags)) return *err;
  if (auto err = validate_bucket_tags(tags)) return *err;
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kBucketTaggingConfigName, tag_set_xml(tags)); !s)
    return internal_error(s);
  return make_response(req, 204);
}

S3Result get_bucket_tagging(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const std::string* document = req.view->state->config(kBucketTaggingConfigName);
  if (!document) return s3_error("NoSuchTagSet").with("BucketName", req.bucket());
  return xml_response(req, *document);
}

S3Result delete_bucket_tagging(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kBucketTaggingConfigName); !s)
    return internal_error(s);
  return make_response(req, 204);
}

}  // namespace

void register_tagging_operations(OperationTable& table) {
  table["PutBucketTagging"] = {BodyKind::Text, nullptr, put_bucket_tagging};
  table["GetBucketTagging"] = {BodyKind::None, nullptr, get_bucket_tagging};
  table["DeleteBucketTagging"] = {BodyKind::None, nullptr, delete_bucket_tagging};
  table["PutObjectTagging"] = {BodyKind::Text, nullptr, put_tagging};
  table["GetObjectTagging"] = {BodyKind::None, nullptr, get_tagging};
  table["DeleteObjectTagging"] = {BodyKind::None, nullptr, delete_tagging};
}

}  // namespace bf
