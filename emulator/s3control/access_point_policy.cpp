#include "emulator/s3control/access_point_policy.h"

#include "emulator/s3control/access_point_xml.h"
#include "emulator/s3control/control_response.h"

namespace bf {

HttpResponse access_point_policy_request(const HttpRequest& request, const std::string& body, std::string_view sub,
                                         const std::string& policy,
                                         const std::function<bool(const std::string&)>& set_policy,
                                         const std::string& suffix) {
  const std::string& rid = request.request_id;
  if (sub == "policy") {
    if (request.method == "GET") {
      if (policy.empty()) return control_error(s3_error("NoSuchAccessPointPolicy"), rid);
      return xml_answer(access_point_policy_xml(policy, "GetAccessPointPolicy" + suffix + "Result"), rid,
                        "GetAccessPointPolicy" + suffix);
    }
    if (request.method == "PUT") {
      const std::string root = "PutAccessPointPolicy" + suffix + "Request";
      auto parsed = parse_access_point_policy(body, root.c_str());
      if (auto* r = std::get_if<S3Error>(&parsed)) return control_error(*r, rid);
      if (!set_policy(std::get<std::string>(parsed))) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer("", rid, "PutAccessPointPolicy" + suffix);
    }
    if (request.method == "DELETE") {
      if (!set_policy("")) return control_error(s3_error("NoSuchAccessPoint"), rid);
      return xml_answer("", rid, "DeleteAccessPointPolicy" + suffix);
    }
    return method_not_allowed(rid);
  }
  if (sub == "policyStatus" && request.method == "GET") {
    // The policy is stored, not evaluated: nothing through bucketfire is ever public.
    const std::string root = "GetAccessPointPolicyStatus" + suffix + "Result";
    return xml_answer(open_result(root) + "<PolicyStatus><IsPublic>false</IsPublic></PolicyStatus></" + root + ">",
                      rid, "GetAccessPointPolicyStatus" + suffix);
  }
  return method_not_allowed(rid);
}

}  // namespace bf
