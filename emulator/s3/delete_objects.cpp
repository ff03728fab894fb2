// DeleteObjects: up to 1000 keys in one POST /?delete, quiet or verbose.
#include <pugixml.hpp>

#include "emulator/s3/service.h"
#include "emulator/s3/versioning.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

constexpr std::size_t kMaxKeys = 1000;

std::optional<S3Error> precheck(S3Context& ctx, const S3Request& req) {
  if (auto err = require_bucket(ctx, req)) return err;
  return require_integrity_header(req);
}

S3Result delete_objects(S3Context& ctx, S3Request& req, Body* body) {
  pugi::xml_document doc;
  // A key may be nothing but white space, which pugixml drops unless told to keep it.
  if (!doc.load_buffer(body->text.data(), body->text.size(), pugi::parse_default | pugi::parse_ws_pcdata))
    return s3_error("MalformedXML");
  auto root = doc.child("Delete");
  if (!root) return s3_error("MalformedXML");
  const bool quiet = std::string_view(root.child_value("Quiet")) == "true";
  std::vector<std::pair<std::string, std::string>> targets;  // key, version id
  for (auto obj : root.children("Object")) {
    auto key = obj.child("Key");
    if (!key) return s3_error("MalformedXML");
    targets.emplace_back(key.text().get(), obj.child_value("VersionId"));
  }
  if (targets.empty() || targets.size() > kMaxKeys) return s3_error("MalformedXML");

  const Versioning versioning = req.view->versioning;
  std::string out = "<DeleteResult xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  for (const auto& target : targets) {
    // Named references, not a structured binding: clang before 16 cannot capture those.
    const std::string& key = target.first;
    const std::string& version = target.second;
    auto error = [&](const std::string& code, const std::string& message) {
      out += "<Error>";
      xml::element(out, "Key", key);
      if (!version.empty()) xml::element(out, "VersionId", version);
      xml::element(out, "Code", code);
      xml::element(out, "Message", message);
      out += "</Error>";
    };
    const ChangeEvents events = change_events(ctx, req, ChangeObserver::kRemovedEvent);
    auto outcome = version.empty()
                       ? ctx.objects.delete_latest(req.bucket(), key, versioning,
                                                   version_id_for(versioning), ctx.clock.now_ms(),
                                                   events)
                       : ctx.objects.delete_version(req.bucket(), key, version, ctx.clock.now_ms(), events);
    if (!outcome) {
      error("InternalError", "We encountered an internal error. Please try again.");
      continue;
    }
    if (quiet) continue;
    out += "<Deleted>";
    xml::element(out, "Key", key);
    if (!version.empty()) xml::element(out, "VersionId", version);
    if (outcome->delete_marker) {
      xml::element(out, "DeleteMarker", true);
      if (version.empty()) xml::element(out, "DeleteMarkerVersionId", outcome->version_id);
    }
    out += "</Deleted>";
  }
  out += "</DeleteResult>";
  return xml_response(req, std::move(out));
}

}  // namespace

void register_delete_objects_operation(OperationTable& table) {
  table["DeleteObjects"] = {BodyKind::Text, precheck, delete_objects};
}

}  // namespace bf
