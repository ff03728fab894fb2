#include "emulator/s3control/access_point_xml.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"
#include "emulator/s3control/control_response.h"

namespace bf {

namespace {

ControlRefusal malformed() {
  return {400, "MalformedXML",
          "The XML you provided was not well-formed or did not validate against our published schema"};
}

// A boolean element: true, false, or absent (then `fallback`); anything else refuses.
bool read_flag(const pugi::xml_node& parent, const char* name, bool fallback, bool& ok) {
  const pugi::xml_node node = parent.child(name);
  if (!node) return fallback;
  const std::string value = node.child_value();
  if (value != "true" && value != "false") ok = false;
  return value == "true";
}

void public_access_block_xml(std::string& out, const PublicAccessBlock& b) {
  out += "<PublicAccessBlockConfiguration>";
  xml::element(out, "BlockPublicAcls", b.block_public_acls);
  xml::element(out, "IgnorePublicAcls", b.ignore_public_acls);
  xml::element(out, "BlockPublicPolicy", b.block_public_policy);
  xml::element(out, "RestrictPublicBuckets", b.restrict_public_buckets);
  out += "</PublicAccessBlockConfiguration>";
}

void origin_xml(std::string& out, const AccessPoint& point) {
  xml::element(out, "NetworkOrigin", point.vpc_id.empty() ? "Internet" : "VPC");
  if (!point.vpc_id.empty()) {
    out += "<VpcConfiguration>";
    xml::element(out, "VpcId", point.vpc_id);
    out += "</VpcConfiguration>";
  }
}

}  // namespace

std::variant<AccessPoint, ControlRefusal> parse_create_access_point(std::string_view body, const std::string& name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  const pugi::xml_node root = doc.child("CreateAccessPointRequest");
  if (!root) return malformed();
  AccessPoint point;
  point.name = name;
  point.bucket = root.child("Bucket").child_value();
  if (point.bucket.empty()) return ControlRefusal{400, "InvalidRequest", "Bucket is required"};
  point.vpc_id = root.child("VpcConfiguration").child("VpcId").child_value();
  if (const pugi::xml_node block = root.child("PublicAccessBlockConfiguration")) {
    bool ok = true;
    PublicAccessBlock& b = point.public_access_block;
    b.block_public_acls = read_flag(block, "BlockPublicAcls", false, ok);
    b.ignore_public_acls = read_flag(block, "IgnorePublicAcls", false, ok);
    b.block_public_policy = read_flag(block, "BlockPublicPolicy", false, ok);
    b.restrict_public_buckets = read_flag(block, "RestrictPublicBuckets", false, ok);
    if (!ok) return malformed();
  }
  return point;
}

std::variant<std::string, ControlRefusal> parse_access_point_policy(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  const pugi::xml_node root = doc.child("PutAccessPointPolicyRequest");
  if (!root || !root.child("Policy")) return malformed();
  std::string policy = root.child("Policy").child_value();
  const auto parsed = nlohmann::json::parse(policy, nullptr, false);
  if (!parsed.is_object() || policy.find_first_not_of(" \t\r\n") == std::string::npos ||
      policy[policy.find_first_not_of(" \t\r\n")] != '{')
    return ControlRefusal{400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"};
  return policy;
}

std::string get_access_point_xml(const AccessPoint& point, const AccessPointPlace& place) {
  std::string out = open_result("GetAccessPointResult");
  xml::element(out, "Name", point.name);
  xml::element(out, "Bucket", point.bucket);
  origin_xml(out, point);
  public_access_block_xml(out, point.public_access_block);
  xml::element(out, "CreationDate", iso8601_ms(point.created_ms));
  xml::element(out, "Alias", point.alias);
  xml::element(out, "AccessPointArn", access_point_arn(place.region, place.account_id, point.name));
  out += "<Endpoints>";
  for (const auto& [kind, host] : {std::pair<const char*, std::string>{"ipv4", "s3-accesspoint." + place.region},
                                   {"dualstack", "s3-accesspoint.dualstack." + place.region}}) {
    out += "<entry>";
    xml::element(out, "key", kind);
    xml::element(out, "value", host + ".amazonaws.com");
    out += "</entry>";
  }
  out += "</Endpoints>";
  xml::element(out, "BucketAccountId", place.account_id);
  return out + "</GetAccessPointResult>";
}

std::string list_access_points_xml(const std::vector<AccessPoint>& page, const std::string& next_token,
                                   const AccessPointPlace& place) {
  std::string out = open_result("ListAccessPointsResult");
  out += "<AccessPointList>";
  for (const auto& point : page) {
    out += "<AccessPoint>";
    xml::element(out, "Name", point.name);
    origin_xml(out, point);
    xml::element(out, "Bucket", point.bucket);
    xml::element(out, "AccessPointArn", access_point_arn(place.region, place.account_id, point.name));
    xml::element(out, "Alias", point.alias);
    xml::element(out, "BucketAccountId", place.account_id);
    out += "</AccessPoint>";
  }
  out += "</AccessPointList>";
  if (!next_token.empty()) xml::element(out, "NextToken", next_token);
  return out + "</ListAccessPointsResult>";
}

std::string access_point_policy_xml(const std::string& policy) {
  std::string out = open_result("GetAccessPointPolicyResult");
  xml::element(out, "Policy", policy);
  return out + "</GetAccessPointPolicyResult>";
}

}  // namespace bf
