#include "emulator/lambda/lambda_errors.h"

namespace bf {

HttpResponse json_response(int status, const Json& body, const std::string& request_id) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.set_header("x-amzn-RequestId", request_id);
  res.body = to_text(body);
  return res;
}

HttpResponse lambda_error(int status, const std::string& type, const std::string& message,
                          const std::string& request_id, Json extra) {
  Json body = std::move(extra);
  body["Type"] = status >= 500 ? "Service" : "User";  // who is at fault, as Lambda says
  body["Message"] = message;
  HttpResponse res = json_response(status, body, request_id);
  res.set_header("x-amzn-ErrorType", type);
  return res;
}

}  // namespace bf
