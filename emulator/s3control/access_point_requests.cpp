// The access point half of S3 Control: /v20180820/accesspoint[/{name}[/policy|/policyStatus]].
#include <algorithm>

#include "emulator/s3/xml.h"
#include "emulator/s3control/access_point_policy.h"
#include "emulator/s3control/access_point_xml.h"
#include "emulator/s3control/control_response.h"
#include "emulator/s3control/s3control_service.h"

namespace bf {

std::string S3ControlService::region_of(const AccessPoint& point) const {
  const auto bucket = buckets_.find_bucket(point.bucket);
  return bucket ? bucket->region : region_;
}

HttpResponse S3ControlService::access_point_request(const HttpRequest& request, const RequestTarget& target,
                                                    const std::string& body, std::string_view rest,
                                                    const std::string& region) {
  const std::string& rid = request.request_id;
  if (rest.empty() || rest == "/") {
    if (request.method != "GET") return method_not_allowed(rid);
    return list_access_points(request, target, region);
  }
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  const std::string name(rest.substr(0, slash));
  const std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  const AccessPointPlace place{region, account_id_};
  // Another region's access point does not exist here.
  const auto existing = access_points_.find(name);
  if (existing && region_of(*existing) != region && !(sub.empty() && request.method == "PUT"))
    return control_error(s3_error("NoSuchAccessPoint"), rid);
  if (sub.empty()) {
    if (request.method == "PUT") {
      auto parsed = parse_create_access_point(body, name);
      if (auto* r = std::get_if<S3Error>(&parsed)) return control_error(*r, rid);
      AccessPoint point = std::get<AccessPoint>(std::move(parsed));
      point.created_ms = clock_.now_ms();
      // Only a bucket of this region can have an access point made here.
      const auto bucket = buckets_.find_bucket(point.bucket);
      auto made = access_points_.create(std::move(point), bucket && bucket->region == region);
      if (auto* e = std::get_if<S3Error>(&made)) return control_error(*e, rid);
      std::string out = open_result("CreateAccessPointResult");
      xml::element(out, "AccessPointArn", access_point_arn(region, account_id_, name));
      xml::element(out, "Alias", std::get<AccessPoint>(made).alias);
      return xml_answer(out + "</CreateAccessPointResult>", rid, "CreateAccessPoint");
    }
    if (request.method == "GET") {
      if (!existing) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer(get_access_point_xml(*existing, place), rid, "GetAccessPoint");
    }
    if (request.method == "DELETE") {
      if (!access_points_.remove(name)) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer("", rid, "DeleteAccessPoint");
    }
    return method_not_allowed(rid);
  }
  if (!existing) return control_error(s3_error("NoSuchAccessPoint"), rid);
  return access_point_policy_request(
      request, body, sub, existing->policy, [&](const std::string& policy) { return access_points_.set_policy(name, policy); },
      "");
}

HttpResponse S3ControlService::list_access_points(const HttpRequest& request, const RequestTarget& target,
                                                  const std::string& region) {
  const std::string& rid = request.request_id;
  const auto max_results = max_results_param(target);
  if (!max_results) return control_error(400, "InvalidRequest", "maxResults must be between 1 and 1000", rid);
  const std::string* bucket = target.query_param("bucket");
  // Listed by name; the token is the last name of the page before.
  auto [page, next_token] = page_by_name(access_points_.list(), target.query_param("nextToken"), *max_results,
                                         [&](const AccessPoint& point) {
                                           return (!bucket || point.bucket == *bucket) && region_of(point) == region;
                                         });
  return xml_answer(list_access_points_xml(page, next_token, AccessPointPlace{region, account_id_}), rid,
                    "ListAccessPoints");
}

}  // namespace bf
