// Access points in S3 Control's XML: reading CreateAccessPointRequest and
// PutAccessPointPolicyRequest, writing what GetAccessPoint, ListAccessPoints and
// GetAccessPointPolicy answer with.
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "emulator/s3/access_points.h"
#include "emulator/s3/object_lambda_access_points.h"

namespace bf {

// The access point a CreateAccessPointRequest describes (its name comes from the path).
std::variant<AccessPoint, S3Error> parse_create_access_point(std::string_view body, const std::string& name);
// The policy text of a PutAccessPointPolicyRequest (or the Object Lambda one, by `root`): a JSON
// object, or MalformedPolicy.
std::variant<std::string, S3Error> parse_access_point_policy(
    std::string_view body, const char* root = "PutAccessPointPolicyRequest");

struct AccessPointPlace {
  std::string region;
  std::string account_id;
};
std::string get_access_point_xml(const AccessPoint& point, const AccessPointPlace& place);
// A page of ListAccessPoints; `next_token` is empty on the last page.
std::string list_access_points_xml(const std::vector<AccessPoint>& page, const std::string& next_token,
                                   const AccessPointPlace& place);
// The <Policy> result of GetAccessPointPolicy (`result` names the element, for Object Lambda's).
std::string access_point_policy_xml(const std::string& policy,
                                    std::string_view result = "GetAccessPointPolicyResult");

// Object Lambda access points. `root` is the request's element: CreateAccessPointForObjectLambdaRequest
// or PutAccessPointConfigurationForObjectLambdaRequest; both hold a <Configuration>.
std::variant<ObjectLambdaConfiguration, S3Error> parse_object_lambda_configuration(std::string_view body,
                                                                                          const char* root);
std::string object_lambda_alias_xml(const ObjectLambdaAccessPoint& point);
std::string get_object_lambda_access_point_xml(const ObjectLambdaAccessPoint& point);
std::string object_lambda_configuration_xml(const ObjectLambdaConfiguration& configuration);
std::string list_object_lambda_access_points_xml(const std::vector<ObjectLambdaAccessPoint>& page,
                                                 const std::string& next_token, const AccessPointPlace& place);

}  // namespace bf
