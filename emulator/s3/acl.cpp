// ACLs, and Get/PutBucketAcl and Get/PutObjectAcl.
#include "emulator/s3/acl.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "emulator/s3/bucket_view.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/public_access.h"
#include "emulator/s3/service.h"
#include "emulator/s3/xml.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr const char* kGroupPrefix = "http://acs.amazonaws.com/groups/";
constexpr std::pair<const char*, const char*> kGroups[] = {
    {"group:AllUsers", "global/AllUsers"},
    {"group:AuthenticatedUsers", "global/AuthenticatedUsers"},
    {"group:LogDelivery", "s3/LogDelivery"}};
constexpr const char* kPermissions[] = {"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"};

bool is_permission(const std::string& p) {
  for (const char* known : kPermissions)
    if (p == known) return true;
  return false;
}

std::optional<std::string> grantee_of_uri(const std::string& uri) {
  for (const auto& [grantee, path] : kGroups)
    if (uri == std::string(kGroupPrefix) + path) return grantee;
  return std::nullopt;
}

std::optional<Grants> canned(const std::string& name, bool for_bucket) {
  if (name == "private" || name == "bucket-owner-read" || name == "bucket-owner-full-control" ||
      name == "aws-exec-read")
    return Grants{};
  if (name == "public-read") return Grants{{"group:AllUsers", "READ"}};
  if (name == "public-read-write") return Grants{{"group:AllUsers", "READ"}, {"group:AllUsers", "WRITE"}};
  if (name == "authenticated-read") return Grants{{"group:AuthenticatedUsers", "READ"}};
  if (name == "log-delivery-write" && for_bucket)
    return Grants{{"group:LogDelivery", "WRITE"}, {"group:LogDelivery", "READ_ACP"}};
  return std::nullopt;
}

S3Error malformed_acl() { return s3_error("MalformedACLError"); }

// `id="…", uri="…"` as x-amz-grant-* carry their grantees.
std::optional<S3Error> read_grant_header(const std::string& value, const std::string& permission, Grants& out) {
  for (const auto& item : split_comma_list(value)) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) return s3_error("InvalidArgument", "Invalid grant header value");
    const std::string type = ascii_lower(trim_blanks(std::string_view(item).substr(0, eq)));
    std::string v(trim_blanks(std::string_view(item).substr(eq + 1)));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (type == "id") {
      out.emplace_back("id:" + v, permission);
    } else if (type == "uri") {
      auto grantee = grantee_of_uri(v);
      if (!grantee) return s3_error("InvalidArgument", "Invalid group uri").with("ArgumentName", "uri");
      out.emplace_back(*grantee, permission);
    } else if (type == "emailaddress") {
      return s3_error("UnresolvableGrantByEmailAddress");
    } else {
      return s3_error("InvalidArgument", "Invalid grant header value");
    }
  }
  return std::nullopt;
}

// The ACL a PutBucketAcl / PutObjectAcl sets: by its headers or by its document, not both.
std::variant<Grants, S3Error> requested_acl(const S3Request& req, const Body* body, const std::string& owner) {
  auto from_headers = read_acl_headers(req.http.headers, req.key().empty());
  if (auto* err = std::get_if<S3Error>(&from_headers)) return *err;
  auto& headers = std::get<std::optional<Grants>>(from_headers);
  const bool has_body = body && !body->text.empty();
  if (headers && has_body) return s3_error("UnexpectedContent", "This request does not support content");
  if (headers) return *headers;
  if (!has_body)
    return s3_error("MissingSecurityHeader", "Your request was missing a required header").with("MissingHeaderName", "x-amz-acl");
  return parse_acl_xml(body->text, canonical_user_id(owner));
}

S3Result put_bucket_acl(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto grants = requested_acl(req, body, req.view->record().owner);
  if (auto* err = std::get_if<S3Error>(&grants)) return *err;
  if (auto err = check_acl_allowed(*req.view, std::get<Grants>(grants))) return *err;
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kAclConfigName, grants_document(std::get<Grants>(grants)));
      !s)
    return internal_error(s);
  return make_response(req);
}

S3Result get_bucket_acl(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  return xml_response(req, acl_xml(req.view->record().owner, req.view->acl));
}

std::optional<ObjectRecord> find_for_acl(S3Context& ctx, S3Request& req) {
  if (const std::string* v = req.endpoint.query_param("versionId")) {
    auto opened = ctx.objects.open_version(req.bucket(), req.key(), *v);
    if (!opened || opened->first.delete_marker) return std::nullopt;
    return std::move(opened->first);
  }
  return ctx.objects.find_object(req.bucket(), req.key());
}

S3Result put_object_acl(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto object = find_for_acl(ctx, req);
  if (!object) return no_such_key(req.key());
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  auto grants = requested_acl(req, body, meta.owner.empty() ? req.view->record().owner : meta.owner);
  if (auto* err = std::get_if<S3Error>(&grants)) return *err;
  if (auto err = check_acl_allowed(*req.view, std::get<Grants>(grants))) return *err;
  meta.acl = std::get<Grants>(grants);
  object->meta = meta.to_json();
  if (Status s = ctx.objects.update_object(*object, {}); !s) return s3_error("ConditionalRequestConflict");
  return make_response(req);
}

S3Result get_object_acl(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto object = find_for_acl(ctx, req);
  if (!object) return no_such_key(req.key());
  const ObjectMeta meta = ObjectMeta::from_json(object->meta);
  // With ACLs disabled, the bucket owner owns every object.
  const std::string owner = !acls_enabled(req.view->ownership) || meta.owner.empty() ? req.view->record().owner : meta.owner;
  return xml_response(req, acl_xml(owner, meta.acl));
}

}  // namespace

std::variant<std::optional<Grants>, S3Error> read_acl_headers(const Headers& headers, bool for_bucket) {
  static const std::pair<const char*, const char*> kGrantHeaders[] = {
      {"x-amz-grant-read", "READ"}, {"x-amz-grant-write", "WRITE"}, {"x-amz-grant-read-acp", "READ_ACP"},
      {"x-amz-grant-write-acp", "WRITE_ACP"}, {"x-amz-grant-full-control", "FULL_CONTROL"}};
  const std::string* canned_name = nullptr;
  std::optional<Grants> grants;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "x-amz-acl")) canned_name = &value;
    for (const auto& [header, permission] : kGrantHeaders)
      if (iequals(name, header)) {
        if (!grants) grants.emplace();
        if (auto err = read_grant_header(value, permission, *grants)) return *err;
      }
  }
  if (canned_name && grants)
    return s3_error("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed");
  if (canned_name) {
    auto c = canned(*canned_name, for_bucket);
    if (!c) return s3_error("InvalidArgument").with("ArgumentName", "x-amz-acl").with("ArgumentValue", *canned_name);
    return std::optional<Grants>(*c);
  }
  return grants;
}

std::variant<Grants, S3Error> parse_acl_xml(const std::string& text, const std::string& owner_id) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return malformed_acl();
  auto root = doc.child("AccessControlPolicy");
  auto list = root.child("AccessControlList");
  if (!root || !list) return malformed_acl();
  Grants grants;
  for (auto grant : list.children("Grant")) {
    auto grantee = grant.child("Grantee");
    const std::string permission = grant.child_value("Permission");
    if (!grantee || !is_permission(permission)) return malformed_acl();
    const std::string type = grantee.attribute("xsi:type").value();
    if (type == "CanonicalUser" || (type.empty() && grantee.child("ID"))) {
      const std::string id = grantee.child_value("ID");
      if (id.empty()) return malformed_acl();
      if (id == owner_id && permission == "FULL_CONTROL") continue;  // the owner's own
      grants.emplace_back("id:" + id, permission);
    } else if (type == "Group" || (type.empty() && grantee.child("URI"))) {
      auto g = grantee_of_uri(grantee.child_value("URI"));
      if (!g) return s3_error("InvalidArgument", "Invalid group uri").with("ArgumentName", "uri");
      grants.emplace_back(*g, permission);
    } else if (type == "AmazonCustomerByEmail") {
      return s3_error("UnresolvableGrantByEmailAddress");
    } else {
      return malformed_acl();
    }
  }
  return grants;
}

std::string acl_xml(const std::string& owner, const Grants& grants) {
  constexpr const char* kXsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
  std::string out = "<AccessControlPolicy xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  out += owner_xml("Owner", owner);
  out += "<AccessControlList><Grant><Grantee " + std::string(kXsi) + " xsi:type=\"CanonicalUser\">";
  xml::element(out, "ID", canonical_user_id(owner));
  out += "</Grantee><Permission>FULL_CONTROL</Permission></Grant>";
  for (const auto& [grantee, permission] : grants) {
    out += "<Grant><Grantee " + std::string(kXsi);
    if (grantee.starts_with("id:")) {
      out += " xsi:type=\"CanonicalUser\">";
      xml::element(out, "ID", grantee.substr(3));
    } else {
      out += " xsi:type=\"Group\">";
      for (const auto& [name, path] : kGroups)
        if (grantee == name) xml::element(out, "URI", std::string(kGroupPrefix) + path);
    }
    out += "</Grantee>";
    xml::element(out, "Permission", permission);
    out += "</Grant>";
  }
  return out + "</AccessControlList></AccessControlPolicy>";
}

std::optional<S3Error> check_acl_allowed(const BucketView& bucket, const Grants& grants) {
  // With ACLs disabled an ACL that gives the owner alone full control (private,
  // bucket-owner-full-control, or such a document) is still accepted.
  if (!acls_enabled(bucket.ownership) && !grants.empty())
    return s3_error("AccessControlListNotSupported");
  bool is_public = false;
  for (const auto& [grantee, permission] : grants)
    is_public = is_public || grantee == "group:AllUsers" || grantee == "group:AuthenticatedUsers";
  if (is_public && bucket.public_access_block && bucket.public_access_block->block_public_acls)
    return s3_error("AccessDenied");
  return std::nullopt;
}

bool grants_everyone(const Grants& grants, const std::string& permission) {
  for (const auto& [grantee, p] : grants)
    if (grantee == "group:AllUsers" && (p == permission || p == "FULL_CONTROL")) return true;
  return false;
}

std::string grants_document(const Grants& grants) {
  auto j = nlohmann::json::array();
  for (const auto& [grantee, permission] : grants) j.push_back({grantee, permission});
  return to_text(j);
}

Grants grants_from_document(const std::string& document) {
  Grants out;
  auto j = nlohmann::json::parse(document, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& g : j)
    if (g.is_array() && g.size() == 2 && g[0].is_string() && g[1].is_string())
      out.emplace_back(g[0].get<std::string>(), g[1].get<std::string>());
  return out;
}

void register_acl_operations(OperationTable& table) {
  table["PutBucketAcl"] = {BodyKind::Text, nullptr, put_bucket_acl};
  table["GetBucketAcl"] = {BodyKind::None, nullptr, get_bucket_acl};
  table["PutObjectAcl"] = {BodyKind::Text, nullptr, put_object_acl};
  table["GetObjectAcl"] = {BodyKind::None, nullptr, get_object_acl};
}

}  // namespace bf
