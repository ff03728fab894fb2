#include "emulator/s3/bucket_encryption.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "emulator/base/aws_account.h"
#include "emulator/s3/service.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/xml.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

bool is_kms(const std::string& algorithm) { return algorithm == "aws:kms" || algorithm == "aws:kms:dsse"; }

// S3 answers a KMS key by its ARN, whichever way the request named it; without one it is the
// account's AWS managed key for S3.
std::string kms_key_arn(const std::string& id, const std::string& region) {
  if (id.starts_with("arn:")) return id;
  const std::string prefix = "arn:aws:kms:" + region + ":" + kAccountId + ":";
  if (id.empty()) return prefix + "alias/aws/s3";
  return prefix + (id.starts_with("alias/") ? id : "key/" + id);
}

S3Error invalid_argument(const std::string& message, const std::string& name, const std::string& value) {
  return s3_error("InvalidArgument", message).with("ArgumentName", name).with("ArgumentValue", value);
}

std::string to_document(const Encryption& e) {
  return to_text(nlohmann::json{{"algorithm", e.algorithm}, {"kms_key", e.kms_key_id}, {"bucket_key", e.bucket_key}});
}

std::string to_xml(const Encryption& e) {
  std::string out = "<ServerSideEncryptionConfiguration xmlns=\"" + std::string(xml::kS3Namespace) +
                    "\"><Rule><ApplyServerSideEncryptionByDefault>";
  xml::element(out, "SSEAlgorithm", e.algorithm);
  if (is_kms(e.algorithm) && !e.kms_key_id.empty()) xml::element(out, "KMSMasterKeyID", e.kms_key_id);
  out += "</ApplyServerSideEncryptionByDefault>";
  xml::element(out, "BucketKeyEnabled", e.bucket_key);
  out += "</Rule></ServerSideEncryptionConfiguration>";
  return out;
}

S3Result put_encryption(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  auto parsed = parse_encryption_xml(body->text, req.view->record().region);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kEncryptionConfigName,
                                               to_document(std::get<Encryption>(parsed)));
      !s)
    return internal_error(s);
  return make_response(req);
}

// Never "not found": a bucket without a configuration of its own has SSE-S3, as on AWS.
S3Result get_encryption(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const Encryption none;
  return xml_response(req, to_xml(req.view->default_encryption ? *req.view->default_encryption : none));
}

// Back to the default, SSE-S3.
S3Result delete_encryption(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kEncryptionConfigName); !s) return internal_error(s);
  return make_response(req, 204);
}

}  // namespace

std::shared_ptr<const Encryption> encryption_from_document(const std::string& document) {
  auto j = nlohmann::json::parse(document, nullptr, false);
  if (!j.is_object()) return nullptr;
  return std::make_shared<const Encryption>(
      Encryption{j.value("algorithm", "AES256"), j.value("kms_key", ""), j.value("bucket_key", false)});
}

std::variant<Encryption, S3Error> parse_encryption_xml(const std::string& text, const std::string& region) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("ServerSideEncryptionConfiguration");
  auto rule = root.child("Rule");
  if (!rule || rule.next_sibling("Rule")) return s3_error("MalformedXML");
  auto by_default = rule.child("ApplyServerSideEncryptionByDefault");
  if (!by_default) return s3_error("MalformedXML");
  Encryption e;
  e.algorithm = by_default.child_value("SSEAlgorithm");
  if (e.algorithm != "AES256" && !is_kms(e.algorithm)) return s3_error("MalformedXML");
  if (auto key = by_default.child("KMSMasterKeyID")) {
    if (!is_kms(e.algorithm))
      return invalid_argument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                              "ApplyServerSideEncryptionByDefault", "");
    e.kms_key_id = kms_key_arn(key.text().get(), region);
  }
  if (auto bucket_key = rule.child("BucketKeyEnabled")) {
    const std::string value = bucket_key.text().get();
    if (value != "true" && value != "false") return s3_error("MalformedXML");
    e.bucket_key = value == "true";
  }
  return e;
}

std::optional<S3Error> read_encryption(const Headers& headers, const BucketView& bucket, Encryption& out) {
  auto header = [&](std::string_view name) { return find_header(headers, name); };
  for (const char* name : {"x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
                           "x-amz-copy-source-server-side-encryption-customer-algorithm"})
    if (header(name))
      return s3_error("InvalidRequest", "Requests specifying Server Side Encryption with Customer provided keys "
                                        "must be made over a secure connection.");
  const std::string* algorithm = header("x-amz-server-side-encryption");
  const std::string* key = header("x-amz-server-side-encryption-aws-kms-key-id");
  const std::string* bucket_key = header("x-amz-server-side-encryption-bucket-key-enabled");
  if (!algorithm) {
    if (key)
      return invalid_argument("Server Side Encryption with AWS KMS managed key requires HTTP header "
                              "x-amz-server-side-encryption : aws:kms",
                              "x-amz-server-side-encryption", "null");
    out = bucket.default_encryption ? *bucket.default_encryption : Encryption{};
    return std::nullopt;
  }
  if (*algorithm != "AES256" && !is_kms(*algorithm))
    return invalid_argument("The encryption method specified is not supported", "x-amz-server-side-encryption",
                            *algorithm);
  if (key && !is_kms(*algorithm))
    return invalid_argument("Server Side Encryption with AWS KMS managed key requires HTTP header "
                            "x-amz-server-side-encryption : aws:kms",
                            "x-amz-server-side-encryption", *algorithm);
  const std::string& region = bucket.record().region;
  out = Encryption{*algorithm, is_kms(*algorithm) ? kms_key_arn(key ? *key : "", region) : "",
                   is_kms(*algorithm) && bucket_key && iequals(*bucket_key, "true")};
  return std::nullopt;
}

void write_encryption_headers(const Encryption& e, HttpResponse& res) {
  res.set_header("x-amz-server-side-encryption", e.algorithm);
  if (!is_kms(e.algorithm)) return;
  res.set_header("x-amz-server-side-encryption-aws-kms-key-id", e.kms_key_id);
  if (e.bucket_key) res.set_header("x-amz-server-side-encryption-bucket-key-enabled", "true");
}

void register_encryption_operations(OperationTable& table) {
  table["PutBucketEncryption"] = {BodyKind::Text, nullptr, put_encryption};
  table["GetBucketEncryption"] = {BodyKind::None, nullptr, get_encryption};
  table["DeleteBucketEncryption"] = {BodyKind::None, nullptr, delete_encryption};
}

}  // namespace bf
