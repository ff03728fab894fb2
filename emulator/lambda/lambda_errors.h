// Lambda's JSON answers: a document with x-amzn-RequestId, and errors as Lambda sends them
// ({"Type":"User","Message":...} with x-amzn-ErrorType).
#pragma once
#include <string>

#include "emulator/http/message.h"
#include "sdk/json.h"

namespace bf {

HttpResponse json_response(int status, const Json& body, const std::string& request_id);
HttpResponse lambda_error(int status, const std::string& type, const std::string& message,
                          const std::string& request_id, Json extra = Json::object());

}  // namespace bf
