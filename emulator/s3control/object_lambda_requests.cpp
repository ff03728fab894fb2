// The Object Lambda half of S3 Control:
// /v20180820/accesspointforobjectlambda[/{name}[/configuration|/policy|/policyStatus]].
#include "emulator/s3/xml.h"
#include "emulator/s3control/access_point_policy.h"
#include "emulator/s3control/access_point_xml.h"
#include "emulator/s3control/control_response.h"
#include "emulator/s3control/s3control_service.h"

namespace bf {

std::optional<S3Error> S3ControlService::supporting_point_error(const ObjectLambdaConfiguration& configuration,
                                                                const std::string& region) const {
  const auto arn = parse_access_point_arn(configuration.supporting_access_point);
  const auto point = arn ? access_points_.find(arn->name) : std::nullopt;
  if (arn && arn->region == region && point && region_of(*point) == region) return std::nullopt;
  return s3_error("InvalidRequest", "The supporting access point " + configuration.supporting_access_point +
                                        " does not exist");
}

HttpResponse S3ControlService::object_lambda_request(const HttpRequest& request, const RequestTarget& target,
                                                     const std::string& body, std::string_view rest,
                                                     const std::string& region) {
  const std::string& rid = request.request_id;
  if (rest.empty() || rest == "/") {
    if (request.method != "GET") return method_not_allowed(rid);
    return list_object_lambda_access_points(request, target, region);
  }
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  const std::string name(rest.substr(0, slash));
  const std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  // Another region's Object Lambda access point does not exist here.
  const auto existing = object_lambda_.find(name);
  if (existing && object_lambda_region(*existing) != region && !(sub.empty() && request.method == "PUT"))
    return control_error(s3_error("NoSuchAccessPoint"), rid);
  if (sub.empty()) {
    if (request.method == "PUT") {
      auto config = parse_object_lambda_configuration(body, "CreateAccessPointForObjectLambdaRequest");
      if (auto* r = std::get_if<S3Error>(&config)) return control_error(*r, rid);
      if (auto err = supporting_point_error(std::get<ObjectLambdaConfiguration>(config), region))
        return control_error(*err, rid);
      ObjectLambdaAccessPoint point;
      point.name = name;
      point.created_ms = clock_.now_ms();
      point.configuration = std::get<ObjectLambdaConfiguration>(std::move(config));
      auto made = object_lambda_.create(std::move(point));
      if (auto* e = std::get_if<S3Error>(&made)) return control_error(*e, rid);
      std::string out = open_result("CreateAccessPointForObjectLambdaResult");
      xml::element(out, "ObjectLambdaAccessPointArn", object_lambda_access_point_arn(region, account_id_, name));
      out += object_lambda_alias_xml(std::get<ObjectLambdaAccessPoint>(made));
      return xml_answer(out + "</CreateAccessPointForObjectLambdaResult>", rid, "CreateAccessPointForObjectLambda");
    }
    if (request.method == "GET") {
      if (!existing) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer(get_object_lambda_access_point_xml(*existing), rid, "GetAccessPointForObjectLambda");
    }
    if (request.method == "DELETE") {
      if (!object_lambda_.remove(name)) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer("", rid, "DeleteAccessPointForObjectLambda");
    }
    return method_not_allowed(rid);
  }
  if (!existing) return control_error(s3_error("NoSuchAccessPoint"), rid);
  if (sub == "configuration") {
    if (request.method == "GET")
      return xml_answer(object_lambda_configuration_xml(existing->configuration), rid,
                        "GetAccessPointConfigurationForObjectLambda");
    if (request.method == "PUT") {
      auto config = parse_object_lambda_configuration(body, "PutAccessPointConfigurationForObjectLambdaRequest");
      if (auto* r = std::get_if<S3Error>(&config)) return control_error(*r, rid);
      if (auto err = supporting_point_error(std::get<ObjectLambdaConfiguration>(config), region))
        return control_error(*err, rid);
      if (auto err = object_lambda_.configure(name, std::get<ObjectLambdaConfiguration>(std::move(config))))
        return control_error(*err, rid);
      return xml_answer("", rid, "PutAccessPointConfigurationForObjectLambda");
    }
    return method_not_allowed(rid);
  }
  return access_point_policy_request(
      request, body, sub, existing->policy, [&](const std::string& policy) { return object_lambda_.set_policy(name, policy); },
      "ForObjectLambda");
}

HttpResponse S3ControlService::list_object_lambda_access_points(const HttpRequest& request,
                                                                const RequestTarget& target,
                                                                const std::string& region) {
  const std::string& rid = request.request_id;
  const auto max_results = max_results_param(target);
  if (!max_results) return control_error(400, "InvalidRequest", "maxResults must be between 1 and 1000", rid);
  auto [page, next_token] = page_by_name(object_lambda_.list(), target.query_param("nextToken"), *max_results,
                                         [&](const ObjectLambdaAccessPoint& point) {
                                           return object_lambda_region(point) == region;
                                         });
  return xml_answer(list_object_lambda_access_points_xml(page, next_token, AccessPointPlace{region, account_id_}),
                    rid, "ListAccessPointsForObjectLambda");
}

}  // namespace bf
