#include "emulator/s3/versioning.h"

#include <pugixml.hpp>

#include "emulator/s3/opaque_id.h"
#include "emulator/s3/xml.h"
#include "sdk/hash.h"

namespace bf {

namespace {

S3Result put_versioning(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  pugi::xml_document doc;
  if (!doc.load_buffer(body->text.data(), body->text.size())) return s3_error("MalformedXML");
  auto root = doc.child("VersioningConfiguration");
  if (!root) return s3_error("MalformedXML");
  std::string status = root.child_value("Status");
  if (status != "Enabled" && status != "Suspended") return s3_error("MalformedXML");
  std::string mfa = root.child_value("MfaDelete");
  if (mfa == "Enabled")
    return s3_error("InvalidRequest", "MFA delete is not supported by bucketfire");
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kVersioningConfigName, status); !s)
    return internal_error(s);
  return make_response(req);
}

S3Result get_versioning(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const std::string* status = req.view->state->config(kVersioningConfigName);
  std::string out = "<VersioningConfiguration xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  // A bucket that was never versioned has no Status element at all.
  if (status) xml::element(out, "Status", *status);
  out += "</VersioningConfiguration>";
  return xml_response(req, std::move(out));
}

}  // namespace

Versioning versioning_from_status(const std::string* status) {
  if (!status) return Versioning::Unversioned;
  return *status == "Enabled" ? Versioning::Enabled : Versioning::Suspended;
}

std::string version_id_for(Versioning versioning) {
  if (versioning != Versioning::Enabled) return "null";
  return random_opaque_id(24);
}

void set_version_header(Versioning versioning, const std::string& version_id, HttpResponse& res) {
  if (versioning != Versioning::Unversioned) res.set_header("x-amz-version-id", version_id);
}

void set_written_version_header(Versioning versioning, const std::string& version_id, HttpResponse& res) {
  if (versioning == Versioning::Enabled) res.set_header("x-amz-version-id", version_id);
}

void register_versioning_operations(OperationTable& table) {
  table["PutBucketVersioning"] = {BodyKind::Text, nullptr, put_versioning};
  table["GetBucketVersioning"] = {BodyKind::None, nullptr, get_versioning};
}

}  // namespace bf
