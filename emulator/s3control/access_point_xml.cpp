#include "emulator/s3control/access_point_xml.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"
#include "emulator/s3control/control_response.h"

namespace bf {

namespace {

S3Error malformed() { return s3_error("MalformedXML"); }

// A boolean element: true, false, or absent (then `fallback`); anything else refuses.
bool read_flag(const pugi::xml_node& parent, const char* name, bool fallback, bool& ok) {
  const pugi::xml_node node = parent.child(name);
  if (!node) return fallback;
  const std::string value = node.child_value();
  if (value != "true" && value != "false") ok = false;
  return value == "true";
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

std::variant<AccessPoint, S3Error> parse_create_access_point(std::string_view body, const std::string& name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  const pugi::xml_node root = doc.child("CreateAccessPointRequest");
  if (!root) return malformed();
  AccessPoint point;
  point.name = name;
  point.bucket = root.child("Bucket").child_value();
  if (point.bucket.empty()) return s3_error("InvalidRequest", "Bucket is required");
  point.vpc_id = root.child("VpcConfiguration").child("VpcId").child_value();
  if (const pugi::xml_node element = root.child("PublicAccessBlockConfiguration")) {
    auto block = read_public_access_block(element);
    if (!block) return malformed();
    point.public_access_block = *block;
  }
  return point;
}

std::variant<std::string, S3Error> parse_access_point_policy(std::string_view body, const char* root_name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  const pugi::xml_node root = doc.child(root_name);
  if (!root || !root.child("Policy")) return malformed();
  std::string policy = root.child("Policy").child_value();
  const auto parsed = nlohmann::json::parse(policy, nullptr, false);
  if (!parsed.is_object() || policy.find_first_not_of(" \t\r\n") == std::string::npos ||
      policy[policy.find_first_not_of(" \t\r\n")] != '{')
    return s3_error("MalformedPolicy");
  return policy;
}

std::string get_access_point_xml(const AccessPoint& point, const AccessPointPlace& place) {
  std::string out = open_result("GetAccessPointResult");
  xml::element(out, "Name", point.name);
  xml::element(out, "Bucket", point.bucket);
  origin_xml(out, point);
  append_public_access_block_xml(out, point.public_access_block, false);
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

std::string access_point_policy_xml(const std::string& policy, std::string_view result) {
  std::string out = open_result(result);
  xml::element(out, "Policy", policy);
  return out + "</" + std::string(result) + ">";
}

std::variant<ObjectLambdaConfiguration, S3Error> parse_object_lambda_configuration(std::string_view body,
                                                                                          const char* root) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  const pugi::xml_node config = doc.child(root).child("Configuration");
  if (!config) return malformed();
  ObjectLambdaConfiguration c;
  c.supporting_access_point = config.child("SupportingAccessPoint").child_value();
  if (c.supporting_access_point.empty()) return s3_error("InvalidRequest", "SupportingAccessPoint is required");
  bool ok = true;
  c.cloudwatch_metrics_enabled = read_flag(config, "CloudWatchMetricsEnabled", false, ok);
  if (!ok) return malformed();
  for (auto f : config.child("AllowedFeatures").children("AllowedFeature")) c.allowed_features.emplace_back(f.child_value());
  for (auto t : config.child("TransformationConfigurations").children("TransformationConfiguration")) {
    ObjectLambdaTransformation transformation;
    for (auto a : t.child("Actions").children("Action")) transformation.actions.emplace_back(a.child_value());
    const pugi::xml_node lambda = t.child("ContentTransformation").child("AwsLambda");
    transformation.function_arn = lambda.child("FunctionArn").child_value();
    transformation.function_payload = lambda.child("FunctionPayload").child_value();
    c.transformations.push_back(std::move(transformation));
  }
  return c;
}

std::string object_lambda_alias_xml(const ObjectLambdaAccessPoint& point) {
  std::string out = "<Alias>";
  xml::element(out, "Value", point.alias);
  xml::element(out, "Status", "READY");
  return out + "</Alias>";
}

std::string get_object_lambda_access_point_xml(const ObjectLambdaAccessPoint& point) {
  std::string out = open_result("GetAccessPointForObjectLambdaResult");
  xml::element(out, "Name", point.name);
  append_public_access_block_xml(out, PublicAccessBlock{}, false);  // always on for Object Lambda, as on AWS
  xml::element(out, "CreationDate", iso8601_ms(point.created_ms));
  out += object_lambda_alias_xml(point);
  return out + "</GetAccessPointForObjectLambdaResult>";
}

std::string object_lambda_configuration_xml(const ObjectLambdaConfiguration& c) {
  std::string out = open_result("GetAccessPointConfigurationForObjectLambdaResult");
  out += "<Configuration>";
  xml::element(out, "SupportingAccessPoint", c.supporting_access_point);
  xml::element(out, "CloudWatchMetricsEnabled", c.cloudwatch_metrics_enabled);
  out += "<AllowedFeatures>";
  for (const auto& f : c.allowed_features) xml::element(out, "AllowedFeature", f);
  out += "</AllowedFeatures><TransformationConfigurations>";
  for (const auto& t : c.transformations) {
    out += "<TransformationConfiguration><Actions>";
    for (const auto& a : t.actions) xml::element(out, "Action", a);
    out += "</Actions><ContentTransformation><AwsLambda>";
    xml::element(out, "FunctionArn", t.function_arn);
    if (!t.function_payload.empty()) xml::element(out, "FunctionPayload", t.function_payload);
    out += "</AwsLambda></ContentTransformation></TransformationConfiguration>";
  }
  out += "</TransformationConfigurations></Configuration>";
  return out + "</GetAccessPointConfigurationForObjectLambdaResult>";
}

std::string list_object_lambda_access_points_xml(const std::vector<ObjectLambdaAccessPoint>& page,
                                                 const std::string& next_token, const AccessPointPlace& place) {
  std::string out = open_result("ListAccessPointsForObjectLambdaResult");
  out += "<ObjectLambdaAccessPointList>";
  for (const auto& point : page) {
    out += "<ObjectLambdaAccessPoint>";
    xml::element(out, "Name", point.name);
    xml::element(out, "ObjectLambdaAccessPointArn",
                 object_lambda_access_point_arn(place.region, place.account_id, point.name));
    out += object_lambda_alias_xml(point);
    out += "</ObjectLambdaAccessPoint>";
  }
  out += "</ObjectLambdaAccessPointList>";
  if (!next_token.empty()) xml::element(out, "NextToken", next_token);
  return out + "</ListAccessPointsForObjectLambdaResult>";
}

}  // namespace bf
