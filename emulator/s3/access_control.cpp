#include "emulator/s3/access_control.h"

#include "emulator/base/aws_account.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/bucket_policy.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/public_access.h"
#include "sdk/text.h"

namespace bf {

namespace {

// The operations whose action is not "s3:" + their own name.
constexpr std::pair<const char*, const char*> kActions[] = {
    {"HeadObject", "s3:GetObject"},
    {"HeadBucket", "s3:ListBucket"},
    {"ListObjects", "s3:ListBucket"},
    {"ListObjectsV2", "s3:ListBucket"},
    {"ListObjectVersions", "s3:ListBucketVersions"},
    {"ListMultipartUploads", "s3:ListBucketMultipartUploads"},
    {"ListParts", "s3:ListMultipartUploadParts"},
    {"CopyObject", "s3:PutObject"},
    {"PostObject", "s3:PutObject"},
    {"CreateMultipartUpload", "s3:PutObject"},
    {"UploadPart", "s3:PutObject"},
    {"UploadPartCopy", "s3:PutObject"},
    {"CompleteMultipartUpload", "s3:PutObject"},
    {"DeleteObjects", "s3:DeleteObject"},
    {"DeleteBucketTagging", "s3:PutBucketTagging"},
    {"DeleteBucketCors", "s3:PutBucketCORS"},
    {"GetBucketCors", "s3:GetBucketCORS"},
    {"PutBucketCors", "s3:PutBucketCORS"},
    {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
    {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
    {"DeleteBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
    {"GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
    {"PutBucketNotificationConfiguration", "s3:PutBucketNotification"},
    {"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
    {"PutBucketEncryption", "s3:PutEncryptionConfiguration"},
    {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration"},
    {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
    {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
    {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
    {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
    {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
    {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
    {"GetBucketIntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration"},
    {"PutBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"},
    {"DeleteBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"},
    {"ListBucketIntelligentTieringConfigurations", "s3:GetIntelligentTieringConfiguration"},
    {"RestoreObject", "s3:RestoreObject"},
    {"GetObjectAttributes", "s3:GetObjectAttributes"},
};

// The policy operations stay the owner's whatever the policy says: a policy that denies too
// much can always be replaced (AWS lets the account's root user do so).
bool is_policy_operation(const std::string& operation) {
  return operation == "GetBucketPolicy" || operation == "PutBucketPolicy" || operation == "DeleteBucketPolicy" ||
         operation == "GetBucketPolicyStatus";
}

bool is_object_read(const std::string& operation) {
  return operation == "GetObject" || operation == "HeadObject";
}

bool is_bucket_write(const std::string& operation) {
  return operation == "PutObject" || operation == "PostObject" || operation == "DeleteObject" ||
         operation == "DeleteObjects" || operation == "CreateMultipartUpload" || operation == "UploadPart" ||
         operation == "CompleteMultipartUpload" || operation == "AbortMultipartUpload";
}

PolicyRequest policy_request(const HttpRequest& request, const Endpoint& endpoint, const Credentials* caller) {
  PolicyRequest p;
  p.anonymous = caller == nullptr;
  if (caller)
    p.principal_names = {kAccountId, std::string("arn:aws:iam::") + kAccountId + ":root",
                         std::string("arn:aws:iam::") + kAccountId + ":user/" + caller->principal,
                         canonical_user_id(caller->principal)};
  p.action = policy_action(endpoint.operation);
  p.resource = "arn:aws:s3:::" + endpoint.bucket + (endpoint.key.empty() ? "" : "/" + endpoint.key);
  auto& c = p.context;
  c["aws:sourceip"] = request.remote_ip;
  // bucketfire speaks plain HTTP: a policy that denies insecure transport denies its requests,
  // as it would deny them on AWS.
  c["aws:securetransport"] = "false";
  c["aws:principaltype"] = caller ? "Account" : "Anonymous";
  if (caller) c["aws:principalaccount"] = kAccountId;
  if (const std::string* v = request.header("Referer")) c["aws:referer"] = *v;
  if (const std::string* v = request.header("User-Agent")) c["aws:useragent"] = *v;
  for (const char* header : {"x-amz-acl", "x-amz-server-side-encryption", "x-amz-storage-class",
                             "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-copy-source",
                             "x-amz-metadata-directive"})
    if (const std::string* v = request.header(header)) c[std::string("s3:") + header] = *v;
  for (const char* param : {"prefix", "delimiter", "max-keys", "versionId"})
    if (const std::string* v = endpoint.query_param(param)) c["s3:" + ascii_lower(param)] = *v;
  return p;
}

S3Error access_denied() { return s3_error("AccessDenied", "Access Denied"); }

}  // namespace

std::string policy_action(const std::string& operation) {
  for (const auto& [op, action] : kActions)
    if (operation == op) return action;
  return "s3:" + operation;
}

std::optional<S3Error> authorize(const HttpRequest& request, const Endpoint& endpoint, const BucketView* bucket,
                                 const Credentials* caller, ObjectStore& objects) {
  // A caller that names the account it expects to own the bucket (or the copy's source) is
  // refused when another does: every bucket here is the account's.
  for (const char* header : {"x-amz-expected-bucket-owner", "x-amz-source-expected-bucket-owner"})
    if (const std::string* owner = request.header(header); owner && *owner != kAccountId) return access_denied();
  // The owner's requests to a bucket without a policy: the common case, decided at once.
  if (caller && (!bucket || !bucket->policy || is_policy_operation(endpoint.operation))) return std::nullopt;
  // Anonymous, and no bucket: whether a bucket exists is public on S3, so that is the answer
  // (and all the caller learns); creating one, or listing the service, is refused.
  if (!bucket) {
    if (endpoint.bucket.empty() || endpoint.operation == "CreateBucket") return access_denied();
    return s3_error("NoSuchBucket").with("BucketName", endpoint.bucket);
  }
  if (!caller && is_policy_operation(endpoint.operation)) return access_denied();
  const PublicAccessBlock open{false, false, false, false};
  const PublicAccessBlock& block = bucket->public_access_block ? *bucket->public_access_block : open;
  if (bucket->policy) {
    const PolicyDecision decision = evaluate_policy(*bucket->policy, policy_request(request, endpoint, caller));
    if (decision == PolicyDecision::Deny) return access_denied();
    if (caller) return std::nullopt;
    if (decision == PolicyDecision::Allow && !(block.restrict_public_buckets && is_public_policy(*bucket->policy)))
      return std::nullopt;
  }
  // Anonymous, and no policy lets it in: only a public ACL still can.
  if (!acls_enabled(bucket->ownership) || block.ignore_public_acls) return access_denied();
  if (is_object_read(endpoint.operation) && !endpoint.key.empty()) {
    auto object = objects.find_object(endpoint.bucket, endpoint.key);
    if (object && grants_everyone(ObjectMeta::from_json(object->meta).acl, "READ")) return std::nullopt;
    // A missing key is NoSuchKey to whoever may list the bucket, as on S3.
    if (!object && grants_everyone(bucket->acl, "READ")) return std::nullopt;
    return access_denied();
  }
  const bool listing = endpoint.operation == "ListObjects" || endpoint.operation == "ListObjectsV2" ||
                       endpoint.operation == "HeadBucket";
  if (listing && grants_everyone(bucket->acl, "READ")) return std::nullopt;
  if (is_bucket_write(endpoint.operation) && grants_everyone(bucket->acl, "WRITE")) return std::nullopt;
  return access_denied();
}

}  // namespace bf
