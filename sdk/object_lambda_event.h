// The event S3 Object Lambda sends a function (protocol 1.00), with AWS's field names and order:
// for GetObject a getObjectContext with the presigned URL of the original (inputS3Url) and the
// route and token its WriteGetObjectResponse must carry; for HeadObject and the listings a
// headObjectContext, listObjectsContext or listObjectsV2Context with inputS3Url only. The
// emulator builds these events; handlers read them.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "sdk/json.h"

namespace bf {

struct ObjectLambdaEvent {
  std::string request_id;  // xAmzRequestId
  // "getObjectContext", "headObjectContext", "listObjectsContext" or "listObjectsV2Context"
  std::string context = "getObjectContext";
  std::string input_s3_url;
  std::string output_route;  // getObjectContext only
  std::string output_token;  // getObjectContext only
  std::string access_point_arn;
  std::string supporting_access_point_arn;
  std::string payload;  // the transformation's FunctionPayload, "" when none
  std::string user_request_url;
  std::vector<std::pair<std::string, std::string>> user_request_headers;  // as the client sent them
  Json user_identity = Json::object();  // type, principalId, arn, accountId, accessKeyId
  std::string protocol_version = "1.00";

  Json to_json() const;
  // Throws std::invalid_argument naming the missing or mistyped field.
  static ObjectLambdaEvent from_json(const Json& event);
  // True for an object with xAmzRequestId, configuration and one of the contexts.
  static bool matches(const Json& event);
};

}  // namespace bf
