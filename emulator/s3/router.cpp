#include "emulator/s3/router.h"

#include <algorithm>
#include <cctype>

#include "emulator/base/aws_region.h"
#include "sdk/text.h"

namespace bf {

RouterOptions default_router_options(const std::string& region) {
  RouterOptions o;
  // Longest first, so "b.s3.localhost" is bucket "b", not bucket "b.s3".
  o.base_hosts = {"s3." + region + ".amazonaws.com", "s3." + region + ".localhost",
                  "s3.amazonaws.com", "s3.localhost", "localhost"};
  return o;
}

namespace {

// The bucket named by the Host header, or empty for path-style.
std::string bucket_from_host(const HttpRequest& request, const RouterOptions& options) {
  const std::string* host_header = request.header("Host");
  if (!host_header) return {};
  std::string host = ascii_lower(*host_header);
  if (!host.empty() && host.front() == '[') return {};  // IPv6 literal
  if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  // "{bucket}.s3.{region}.amazonaws.com" (or ".localhost") for any region, as an SDK configured
  // for that region writes it; "s3.{region}.…" alone is path style.
  for (std::string_view domain : {".amazonaws.com", ".localhost"}) {
    if (!host.ends_with(domain)) continue;
    const std::string_view rest = std::string_view(host).substr(0, host.size() - domain.size());
    const auto dot = rest.rfind('.');
    if (dot == std::string_view::npos || !is_aws_region_name(rest.substr(dot + 1))) continue;
    const std::string_view before = rest.substr(0, dot);
    if (before == "s3") return {};
    if (before.size() > 3 && before.ends_with(".s3")) return std::string(before.substr(0, before.size() - 3));
  }
  for (const auto& base : options.base_hosts) {
    if (host == base) return {};
    if (host.size() > base.size() + 1 && host.ends_with(base) &&
        host[host.size() - base.size() - 1] == '.')
      return host.substr(0, host.size() - base.size() - 1);
  }
  return {};
}

std::string bucket_operation(const std::string& method, const Endpoint& e) {
  // Sub-resources shared by several methods, as AWS names the operations.
  static const std::pair<const char*, const char*> kSubresources[] = {
      {"cors", "BucketCors"},
      {"lifecycle", "BucketLifecycleConfiguration"},
      {"notification", "BucketNotificationConfiguration"},
      {"versioning", "BucketVersioning"},
      {"policy", "BucketPolicy"},
      {"acl", "BucketAcl"},
      {"tagging", "BucketTagging"},
      {"website", "BucketWebsite"},
      {"encryption", "BucketEncryption"},
      {"logging", "BucketLogging"},
      {"ownershipControls", "BucketOwnershipControls"},
      {"publicAccessBlock", "PublicAccessBlock"},
      {"replication", "BucketReplication"},
      {"accelerate", "BucketAccelerateConfiguration"},
      {"requestPayment", "BucketRequestPayment"},
      {"object-lock", "ObjectLockConfiguration"},
      {"intelligent-tiering", "BucketIntelligentTieringConfiguration"},
      {"analytics", "BucketAnalyticsConfiguration"},
      {"metrics", "BucketMetricsConfiguration"},
      {"inventory", "BucketInventoryConfiguration"},
      {"policyStatus", "BucketPolicyStatus"},
  };
  if (method == "GET") {
    if (e.has_query("location")) return "GetBucketLocation";
    if (e.has_query("versions")) return "ListObjectVersions";
    if (e.has_query("uploads")) return "ListMultipartUploads";
  }
  if (method == "POST" && e.has_query("delete")) return "DeleteObjects";
  for (const auto& [param, suffix] : kSubresources) {
    if (!e.has_query(param)) continue;
    if (method == "GET") return std::string("Get") + suffix;
    if (method == "PUT") return std::string("Put") + suffix;
    if (method == "DELETE") return std::string("Delete") + suffix;
  }
  if (method == "GET") {
    const std::string* list_type = e.query_param("list-type");
    return list_type && *list_type == "2" ? "ListObjectsV2" : "ListObjects";
  }
  if (method == "PUT") return "CreateBucket";
  if (method == "HEAD") return "HeadBucket";
  if (method == "DELETE") return "DeleteBucket";
  if (method == "POST") return "PostObject";
  if (method == "OPTIONS") return "PreflightRequest";
  return {};
}

std::string object_operation(const std::string& method, const Endpoint& e,
                             const HttpRequest& request) {
  const bool upload_id = e.has_query("uploadId");
  if (method == "GET") {
    if (upload_id) return "ListParts";
    if (e.has_query("tagging")) return "GetObjectTagging";
    if (e.has_query("acl")) return "GetObjectAcl";
    if (e.has_query("attributes")) return "GetObjectAttributes";
    if (e.has_query("retention")) return "GetObjectRetention";
    if (e.has_query("legal-hold")) return "GetObjectLegalHold";
    if (e.has_query("torrent")) return "GetObjectTorrent";
    return "GetObject";
  }
  if (method == "HEAD") return "HeadObject";
  if (method == "PUT") {
    const bool copy = request.header("x-amz-copy-source") != nullptr;
    if (upload_id || e.has_query("partNumber")) return copy ? "UploadPartCopy" : "UploadPart";
    if (e.has_query("tagging")) return "PutObjectTagging";
    if (e.has_query("acl")) return "PutObjectAcl";
    if (e.has_query("retention")) return "PutObjectRetention";
    if (e.has_query("legal-hold")) return "PutObjectLegalHold";
    return copy ? "CopyObject" : "PutObject";
  }
  if (method == "DELETE") {
    if (upload_id) return "AbortMultipartUpload";
    if (e.has_query("tagging")) return "DeleteObjectTagging";
    return "DeleteObject";
  }
  if (method == "POST") {
    if (e.has_query("uploads")) return "CreateMultipartUpload";
    if (upload_id) return "CompleteMultipartUpload";
    if (e.has_query("restore")) return "RestoreObject";
    if (e.has_query("select")) return "SelectObjectContent";
    return "PostObject";
  }
  if (method == "OPTIONS") return "PreflightRequest";
  return {};
}

}  // namespace

std::variant<Endpoint, S3Error> route_s3(const HttpRequest& request,
                                         const RouterOptions& options) {
  TargetError target_error{};
  auto target = parse_target(request.target, &target_error);
  if (!target)
    return target_error == TargetError::MalformedQuery
               ? s3_error("InvalidArgument", "Malformed query string")
               : s3_error("InvalidURI", "Couldn't parse the specified URI.");
  Endpoint e;
  static_cast<RequestTarget&>(e) = std::move(*target);

  std::string_view rest = std::string_view(e.path).substr(1);
  e.bucket = bucket_from_host(request, options);
  if (!e.bucket.empty()) {
    e.virtual_hosted = true;
    e.key = std::string(rest);
  } else {
    auto slash = rest.find('/');
    e.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) e.key = std::string(rest.substr(slash + 1));
    // "//key" names a key in no bucket: not ListBuckets, whatever follows.
    if (e.bucket.empty() && !e.key.empty()) return s3_error("InvalidURI", "Couldn't parse the specified URI.");
  }

  if (e.bucket.empty()) {
    e.operation = request.method == "GET" ? "ListBuckets" : "";
  } else if (e.key.empty()) {
    e.operation = bucket_operation(request.method, e);
  } else {
    e.operation = object_operation(request.method, e, request);
  }
  if (e.operation.empty()) {
    auto err = s3_error("MethodNotAllowed");
    err.details.emplace_back("Method", request.method);
    err.details.emplace_back("ResourceType", e.key.empty() ? "BUCKET" : "OBJECT");
    return err;
  }
  return e;
}

}  // namespace bf
