// Put/Get/DeletePublicAccessBlock, Put/Get/DeleteBucketOwnershipControls and
// Put/Get/DeleteBucketPolicy with GetBucketPolicyStatus.
#include "emulator/s3/public_access.h"

#include <pugixml.hpp>

#include "emulator/base/aws_account.h"
#include "emulator/s3/bucket_policy.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

constexpr const char* kBlockFields[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                        "RestrictPublicBuckets"};

bool* field(PublicAccessBlock& b, int i) {
  bool* fields[] = {&b.block_public_acls, &b.ignore_public_acls, &b.block_public_policy,
                    &b.restrict_public_buckets};
  return fields[i];
}

std::string ownership_xml(const std::string& ownership) {
  std::string out = "<OwnershipControls xmlns=\"" + std::string(xml::kS3Namespace) + "\"><Rule>";
  xml::element(out, "ObjectOwnership", ownership);
  return out + "</Rule></OwnershipControls>";
}

S3Result put_block(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  auto parsed = parse_public_access_block_xml(body->text);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kPublicAccessBlockConfigName,
                                               public_access_block_xml(std::get<PublicAccessBlock>(parsed)));
      !s)
    return internal_error(s);
  return make_response(req);
}

S3Result get_block(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (!req.view->public_access_block)
    return s3_error("NoSuchPublicAccessBlockConfiguration").with("BucketName", req.bucket());
  return xml_response(req, public_access_block_xml(*req.view->public_access_block));
}

S3Result delete_block(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kPublicAccessBlockConfigName); !s)
    return internal_error(s);
  return make_response(req, 204);
}

S3Result put_ownership(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  pugi::xml_document doc;
  if (!doc.load_buffer(body->text.data(), body->text.size())) return s3_error("MalformedXML");
  auto rule = doc.child("OwnershipControls").child("Rule");
  const std::string ownership = rule.child_value("ObjectOwnership");
  if (!rule || rule.next_sibling("Rule") || !is_object_ownership(ownership)) return s3_error("MalformedXML");
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kOwnershipConfigName, ownership); !s)
    return internal_error(s);
  return make_response(req);
}

S3Result get_ownership(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (req.view->ownership.empty())
    return s3_error("OwnershipControlsNotFoundError").with("BucketName", req.bucket());
  return xml_response(req, ownership_xml(req.view->ownership));
}

S3Result delete_ownership(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kOwnershipConfigName); !s) return internal_error(s);
  return make_response(req, 204);
}

S3Result put_policy(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto parsed = parse_bucket_policy(body->text, req.bucket());
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  const auto& block = req.view->public_access_block;
  if (block && block->block_public_policy && is_public_policy(std::get<BucketPolicy>(parsed)))
    return s3_error("AccessDenied", std::string("User: arn:aws:iam::") + kAccountId + ":root is not authorized to perform: "
                                    "s3:PutBucketPolicy on resource: \"arn:aws:s3:::" + req.bucket() +
                                    "\" because public policies are blocked by the BlockPublicPolicy block "
                                    "public access setting.");
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kPolicyConfigName, body->text); !s)
    return internal_error(s);
  return make_response(req, 204);
}

S3Result get_policy(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (!req.view->policy) return s3_error("NoSuchBucketPolicy").with("BucketName", req.bucket());
  HttpResponse res = make_response(req);
  res.set_header("Content-Type", "application/json");
  res.body = req.view->policy->text;
  return res;
}

S3Result delete_policy(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kPolicyConfigName); !s) return internal_error(s);
  return make_response(req, 204);
}

S3Result get_policy_status(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (!req.view->policy) return s3_error("NoSuchBucketPolicy").with("BucketName", req.bucket());
  std::string out = "<PolicyStatus xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  xml::element(out, "IsPublic", is_public_policy(*req.view->policy));
  return xml_response(req, out + "</PolicyStatus>");
}

}  // namespace

std::optional<PublicAccessBlock> read_public_access_block(const pugi::xml_node& element) {
  PublicAccessBlock block{false, false, false, false};
  for (int i = 0; i < 4; ++i) {
    auto node = element.child(kBlockFields[i]);
    if (!node) continue;
    const std::string value = node.text().get();
    if (value != "true" && value != "false") return std::nullopt;
    *field(block, i) = value == "true";
  }
  return block;
}

void append_public_access_block_xml(std::string& out, const PublicAccessBlock& block, bool with_namespace) {
  out += with_namespace ? "<PublicAccessBlockConfiguration xmlns=\"" + std::string(xml::kS3Namespace) + "\">"
                        : std::string("<PublicAccessBlockConfiguration>");
  const bool values[] = {block.block_public_acls, block.ignore_public_acls, block.block_public_policy,
                         block.restrict_public_buckets};
  for (int i = 0; i < 4; ++i) xml::element(out, kBlockFields[i], values[i]);
  out += "</PublicAccessBlockConfiguration>";
}

std::variant<PublicAccessBlock, S3Error> parse_public_access_block_xml(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("PublicAccessBlockConfiguration");
  if (!root) return s3_error("MalformedXML");
  auto block = read_public_access_block(root);
  if (!block) return s3_error("MalformedXML");
  return *block;
}

std::string public_access_block_xml(const PublicAccessBlock& block) {
  std::string out;
  append_public_access_block_xml(out, block, true);
  return out;
}

std::optional<PublicAccessBlock> public_access_block_from_document(const std::string& document) {
  auto parsed = parse_public_access_block_xml(document);
  if (auto* block = std::get_if<PublicAccessBlock>(&parsed)) return *block;
  return std::nullopt;
}

bool is_object_ownership(const std::string& value) {
  return value == "BucketOwnerEnforced" || value == "BucketOwnerPreferred" || value == "ObjectWriter";
}

Status set_new_bucket_access(BucketStore& buckets, const std::string& bucket, const std::string& ownership) {
  if (Status s = buckets.put_bucket_config(bucket, kPublicAccessBlockConfigName,
                                           public_access_block_xml(PublicAccessBlock{}));
      !s)
    return s;
  return buckets.put_bucket_config(bucket, kOwnershipConfigName, ownership);
}

void register_public_access_operations(OperationTable& table) {
  table["PutPublicAccessBlock"] = {BodyKind::Text, nullptr, put_block};
  table["GetPublicAccessBlock"] = {BodyKind::None, nullptr, get_block};
  table["DeletePublicAccessBlock"] = {BodyKind::None, nullptr, delete_block};
  table["PutBucketOwnershipControls"] = {BodyKind::Text, nullptr, put_ownership};
  table["GetBucketOwnershipControls"] = {BodyKind::None, nullptr, get_ownership};
  table["DeleteBucketOwnershipControls"] = {BodyKind::None, nullptr, delete_ownership};
  table["PutBucketPolicy"] = {BodyKind::Text, nullptr, put_policy};
  table["GetBucketPolicy"] = {BodyKind::None, nullptr, get_policy};
  table["DeleteBucketPolicy"] = {BodyKind::None, nullptr, delete_policy};
  table["GetBucketPolicyStatus"] = {BodyKind::None, nullptr, get_policy_status};
}

}  // namespace bf
