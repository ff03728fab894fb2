// API Gateway HTTP API / Lambda Function URL payload format 2.0: the event built from an HTTP
// request, and the HTTP response built from what the function returned.
#pragma once
#include <map>
#include <string>

#include "emulator/http/message.h"
#include "sdk/json.h"

namespace bf {

struct PayloadContext {
  std::string route_key = "$default";
  std::string raw_path;  // the path the function sees (without the emulator's prefix)
  std::map<std::string, std::string> path_parameters;
  std::string api_id;       // HTTP API id, or a Function URL's url-id
  std::string domain_name;  // "<api-id>.execute-api.<region>.amazonaws.com", "<url-id>.lambda-url.<region>.on.aws"
  std::string account_id = "000000000000";
  Json authorizer;          // requestContext.authorizer, when there is one
  std::int64_t time_ms = 0;
};

// Text bodies stay text; anything else is base64 with isBase64Encoded, as API Gateway does.
bool is_text_content_type(const std::string& content_type);

Json payload_v2_event(const HttpRequest& request, const std::string& body, const PayloadContext& context);

// A full {"statusCode", "headers", "cookies", "body", "isBase64Encoded"} object is taken as the
// response; any other JSON is a 200 application/json body. Anything malformed is a 500.
HttpResponse payload_v2_response(const std::string& function_result);

// API Gateway's bodies for its own errors: {"message":"Not Found"} and friends.
HttpResponse gateway_error(int status, const std::string& message);

}  // namespace bf
