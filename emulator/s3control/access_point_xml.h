// Access points in S3 Control's XML: reading CreateAccessPointRequest and
// PutAccessPointPolicyRequest, writing what GetAccessPoint, ListAccessPoints and
// GetAccessPointPolicy answer with.
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "emulator/s3/access_points.h"

namespace bf {

struct ControlRefusal {
  int status = 400;
  std::string code;
  std::string message;
};

// The access point a CreateAccessPointRequest describes (its name comes from the path).
std::variant<AccessPoint, ControlRefusal> parse_create_access_point(std::string_view body, const std::string& name);
// The policy text of a PutAccessPointPolicyRequest: a JSON object, or MalformedPolicy.
std::variant<std::string, ControlRefusal> parse_access_point_policy(std::string_view body);

struct AccessPointPlace {
  std::string region;
  std::string account_id;
};
std::string get_access_point_xml(const AccessPoint& point, const AccessPointPlace& place);
// A page of ListAccessPoints; `next_token` is empty on the last page.
std::string list_access_points_xml(const std::vector<AccessPoint>& page, const std::string& next_token,
                                   const AccessPointPlace& place);
std::string access_point_policy_xml(const std::string& policy);

}  // namespace bf
