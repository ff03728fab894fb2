// Put/Get/DeleteBucketLifecycleConfiguration. The configuration is validated as S3 does and
// kept, normalised, with the bucket; the lifecycle module's midnight runs apply it
// (docs/storage-classes.md).
#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/service.h"

namespace bf {

namespace {

constexpr const char* kMinimumSizeHeader = "x-amz-transition-default-minimum-object-size";

S3Result put_lifecycle(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  auto parsed = parse_lifecycle_xml(body->text);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  auto& config = std::get<LifecycleConfig>(parsed);
  if (const std::string* size = req.header(kMinimumSizeHeader)) {
    if (*size != "all_storage_classes_128K" && *size != "varies_by_storage_class")
      return s3_error("InvalidArgument", "Invalid value for " + std::string(kMinimumSizeHeader))
          .with("ArgumentName", kMinimumSizeHeader)
          .with("ArgumentValue", *size);
    config.transition_minimum_size = *size;
  }
  config.configured_ms = ctx.clock.now_ms();
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kLifecycleConfigName,
                                               lifecycle_document(config));
      !s)
    return internal_error(s);
  HttpResponse res = make_response(req);
  res.set_header(kMinimumSizeHeader, config.transition_minimum_size);
  return res;
}

S3Result get_lifecycle(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const auto& stored = req.view->lifecycle;
  if (!stored) return s3_error("NoSuchLifecycleConfiguration").with("BucketName", req.bucket());
  HttpResponse res = xml_response(req, lifecycle_to_xml(*stored));
  res.set_header(kMinimumSizeHeader, stored->transition_minimum_size);
  return res;
}

S3Result delete_lifecycle(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kLifecycleConfigName); !s)
    return internal_error(s);
  return make_response(req, 204);
}

}  // namespace

void register_lifecycle_operations(OperationTable& table) {
  table["PutBucketLifecycleConfiguration"] = {BodyKind::Text, nullptr, put_lifecycle};
  table["GetBucketLifecycleConfiguration"] = {BodyKind::None, nullptr, get_lifecycle};
  table["DeleteBucketLifecycleConfiguration"] = {BodyKind::None, nullptr, delete_lifecycle};
}

}  // namespace bf
