// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
// GetBucketVersioning.
#include <pugixml.hpp>

#include "emulator/base/aws_region.h"
#include "emulator/base/time.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/continuation_token.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/public_access.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

// ListBuckets: every bucket of every region, in name order, with the 2024 parameters: only
// the buckets of `bucket-region`, or whose names start with `prefix`; `max-buckets` a page
// (1 to 10,000), the next page after `continuation-token`.
S3Result list_buckets(S3Context& ctx, S3Request& req, Body*) {
  auto param = [&](const char* name) { return req.endpoint.query_param(name); };
  constexpr std::uint64_t kMostBuckets = 10000;
  std::uint64_t max_buckets = kMostBuckets;
  const std::string* max_param = param("max-buckets");
  if (max_param) {
    auto parsed = parse_decimal(*max_param, UINT32_MAX);
    if (!parsed || *parsed < 1 || *parsed > kMostBuckets)
      return s3_error("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000")
          .with("ArgumentName", "max-buckets")
          .with("ArgumentValue", *max_param);
    max_buckets = *parsed;
  }
  std::string after;
  const std::string* token = param("continuation-token");
  if (token)
    if (auto err = read_continuation_token(*token, after)) return *err;
  const std::string* region = param("bucket-region");
  const std::string* prefix = param("prefix");

  std::string list;
  std::uint64_t listed = 0;
  std::string last;
  bool truncated = false;
  for (const auto& b : ctx.buckets.list_buckets()) {  // in name order
    if (!after.empty() && b.name <= after) continue;
    if (region && b.region != *region) continue;
    if (prefix && !b.name.starts_with(*prefix)) continue;
    if (listed == max_buckets) {
      truncated = true;
      break;
    }
    list += "<Bucket>";
    xml::element(list, "Name", b.name);
    xml::element(list, "CreationDate", iso8601_ms(b.created_ms));
    xml::element(list, "BucketRegion", b.region);
    list += "</Bucket>";
    last = b.name;
    ++listed;
  }
  std::string body = "<ListAllMyBucketsResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  body += owner_xml("Owner", req.owner());
  body += "<Buckets>" + list + "</Buckets>";
  if (truncated) xml::element(body, "ContinuationToken", continuation_token(last));
  if (prefix) xml::element(body, "Prefix", *prefix);
  body += "</ListAllMyBucketsResult>";
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
  // The region the request was signed for is the endpoint's. us-east-1's takes a bucket for
  // any region its LocationConstraint names (and none for itself); every other region's takes
  // only its own name.
  const std::string& endpoint_region = req.auth.region;
  std::string region = endpoint_region;
  if (!location.empty()) {
    if (location == "us-east-1" || !is_aws_region_name(location))
      return s3_error("InvalidLocationConstraint").with("LocationConstraint", location);
    if (endpoint_region != "us-east-1" && location != endpoint_region)
      return s3_error("IllegalLocationConstraintException",
                      "The " + location + " location constraint is incompatible for the region "
                      "specific endpoint this request was sent to.");
    region = location;
  } else if (endpoint_region != "us-east-1") {
    return s3_error("IllegalLocationConstraintException");
  }
  // A new bucket has ACLs disabled unless it asks for another ownership; an ACL then needs it.
  const std::string* ownership_header = req.header("x-amz-object-ownership");
  const std::string ownership = ownership_header ? *ownership_header : "BucketOwnerEnforced";
  if (!is_object_ownership(ownership))
    return s3_error("InvalidArgument", "Invalid x-amz-object-ownership header: " + ownership)
        .with("ArgumentName", "x-amz-object-ownership");
  auto acl = read_acl_headers(req.http.headers, true);
  if (auto* err = std::get_if<S3Error>(&acl)) return *err;
  const std::optional<Grants>& grants = std::get<std::optional<Grants>>(acl);
  const bool legacy = ctx.legacy_bucket_defaults;
  if (grants && !grants->empty() && !acls_enabled(ownership) && !(legacy && !ownership_header))
    return s3_error("InvalidBucketAclWithObjectOwnership");
  // A new bucket blocks public access (below), so a public ACL cannot come with it.
  if (grants && !legacy && (grants_everyone(*grants, "READ") || grants_everyone(*grants, "WRITE")))
    return s3_error("InvalidBucketAclWithBlockPublicAccessError");
  BucketRecord record{req.bucket(), region, ctx.clock.now_ms(), req.owner()};
  Status s = ctx.buckets.create_bucket(record);
  if (s) {
    // As AWS makes buckets since 2023: every public access block on. The legacy defaults set
    // neither, unless the request names an ownership.
    if (!legacy) {
      if (Status set = set_new_bucket_access(ctx.buckets, record.name, ownership); !set) return internal_error(set);
    } else if (ownership_header) {
      if (Status set = ctx.buckets.put_bucket_config(record.name, kOwnershipConfigName, ownership); !set)
        return internal_error(set);
    }
    if (grants && !grants->empty())
      if (Status set = ctx.buckets.put_bucket_config(record.name, kAclConfigName, grants_document(*grants)); !set)
        return internal_error(set);
  }
  if (s.is_already_exists()) {
    auto existing = ctx.buckets.find_bucket(req.bucket());
    if (existing && existing->owner != req.owner())
      return s3_error("BucketAlreadyExists").with("BucketName", req.bucket());
    // AWS's us-east-1 answers 200 to a repeat create of its own bucket by the owner, for
    // legacy clients.
    if (!existing || existing->region != "us-east-1" || region != "us-east-1")
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
  // S3 deletes a bucket whose only content is unfinished multipart uploads, and them with it.
  if (ctx.objects.list_objects(req.bucket(), "", ListStart{}, 1).empty() &&
      ctx.objects.list_versions(req.bucket(), "", "", 0, 1).empty())
    for (const UploadRecord& upload : ctx.objects.list_uploads(req.bucket())) ctx.objects.abort_upload(upload.upload_id);
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
