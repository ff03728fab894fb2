// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
// GetBucketVersioning.
#include <pugixml.hpp>

#include "emulator/base/time.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

S3Result list_buckets(S3Context& ctx, S3Request& req, Body*) {
  std::string body = "<ListAllMyBucketsResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  body += owner_xml("Owner", req.owner());
  body += "<Buckets>";
  for (const auto& b : ctx.buckets.list_buckets()) {
    body += "<Bucket>";
    xml::element(body, "Name", b.name);
    xml::element(body, "CreationDate", iso8601_ms(b.created_ms));
    xml::element(body, "BucketRegion", b.region);
    body += "</Bucket>";
  }
  body += "</Buckets></ListAllMyBucketsResult>";
  return xml_response(req, std::move(body));
}

S3Result create_bucket(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = validate_bucket_name(req.bucket())) return *err;
  std::string location;
  if (body && !body->text.empty()) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body->text.data(), body->text.size()))
      return s3_error("MalformedXML");
    auto config = doc.child("CreateBucketConfiguration");
    if (!config) return s3_error("MalformedXML");
    location = config.child_value("LocationConstraint");
  }
  // us-east-1 takes no LocationConstraint; every other region takes its own name.
  if (!location.empty() && location != ctx.region) {
    if (ctx.region == "us-east-1" || location == "us-east-1")
      return s3_error("InvalidLocationConstraint").with("LocationConstraint", location);
    return s3_error("IllegalLocationConstraintException",
                    "The " + location + " location constraint is incompatible for the region "
                    "specific endpoint this request was sent to.");
  }
  BucketRecord record{req.bucket(), ctx.region, ctx.clock.now_ms(), req.owner()};
  Status s = ctx.buckets.create_bucket(record);
  if (s.is_already_exists()) {
    auto existing = ctx.buckets.find_bucket(req.bucket());
    if (existing && existing->owner != req.owner())
      return s3_error("BucketAlreadyExists").with("BucketName", req.bucket());
    // AWS's us-east-1 answers 200 to a repeat create by the owner, for legacy clients.
    if (ctx.region != "us-east-1")
      return s3_error("BucketAlreadyOwnedByYou").with("BucketName", req.bucket());
  } else if (!s) {
    return internal_error(s);
  }
  HttpResponse res = make_response(req);
  res.set_header("Location", "/" + req.bucket());
  return res;
}

S3Result head_bucket(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const BucketRecord* bucket = &req.view->record();
  HttpResponse res = make_response(req);
  res.set_header("x-amz-bucket-region", bucket->region);
  res.set_header("x-amz-access-point-alias", "false");
  res.set_header("Content-Type", "application/xml");
  return res;
}

S3Result delete_bucket(S3Context& ctx, S3Request& req, Body*) {
  Status s = ctx.buckets.delete_bucket(req.bucket());
  if (s.is_not_found()) return no_such_bucket(req.bucket());
  if (s.is_not_empty()) return s3_error("BucketNotEmpty").with("BucketName", req.bucket());
  if (!s) return internal_error(s);
  return make_response(req, 204);
}

S3Result get_bucket_location(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const BucketRecord* bucket = &req.view->record();
  std::string body = "<LocationConstraint xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  // us-east-1 is reported as an empty constraint, as AWS does.
  if (bucket->region != "us-east-1") body += xml::escape(bucket->region);
  body += "</LocationConstraint>";
  return xml_response(req, std::move(body));
}

}  // namespace

void register_bucket_operations(OperationTable& table) {
  table["ListBuckets"] = {BodyKind::None, nullptr, list_buckets};
  table["CreateBucket"] = {BodyKind::Text, nullptr, create_bucket};
  table["HeadBucket"] = {BodyKind::None, nullptr, head_bucket};
  table["DeleteBucket"] = {BodyKind::None, nullptr, delete_bucket};
  table["GetBucketLocation"] = {BodyKind::None, nullptr, get_bucket_location};
}

}  // namespace bf
