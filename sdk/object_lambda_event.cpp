#include "sdk/object_lambda_event.h"

#include <stdexcept>

namespace bf {

namespace {

constexpr const char* kContexts[] = {"getObjectContext", "headObjectContext", "listObjectsContext",
                                     "listObjectsV2Context"};

const Json& member(const Json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end()) throw std::invalid_argument(where + "." + name + " is missing");
  return *it;
}

std::string text(const Json& object, const char* name, const std::string& where) {
  const Json& v = member(object, name, where);
  if (!v.is_string()) throw std::invalid_argument(where + "." + name + " is not a string");
  return v.get<std::string>();
}

std::string optional_text(const Json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::invalid_argument(where + "." + name + " is not a string");
  return it->get<std::string>();
}

const Json& object_member(const Json& parent, const char* name, const std::string& where) {
  const Json& v = member(parent, name, where);
  if (!v.is_object()) throw std::invalid_argument(where + "." + name + " is not an object");
  return v;
}

}  // namespace

Json ObjectLambdaEvent::to_json() const {
  Json context_body{{"inputS3Url", input_s3_url}};
  if (context == "getObjectContext") {
    context_body["outputRoute"] = output_route;
    context_body["outputToken"] = output_token;
  }
  Json configuration{{"accessPointArn", access_point_arn},
                     {"supportingAccessPointArn", supporting_access_point_arn},
                     {"payload", payload}};
  Json headers = Json::object();
  for (const auto& [name, value] : user_request_headers) headers[name] = value;
  return Json{{"xAmzRequestId", request_id},
              {context, std::move(context_body)},
              {"configuration", std::move(configuration)},
              {"userRequest", {{"url", user_request_url}, {"headers", std::move(headers)}}},
              {"userIdentity", user_identity},
              {"protocolVersion", protocol_version}};
}

ObjectLambdaEvent ObjectLambdaEvent::from_json(const Json& event) {
  if (!event.is_object()) throw std::invalid_argument("event is not an object");
  ObjectLambdaEvent out;
  out.request_id = text(event, "xAmzRequestId", "event");
  out.context.clear();
  for (const char* name : kContexts)
    if (event.contains(name)) out.context = name;
  if (out.context.empty()) throw std::invalid_argument("event has no getObjectContext, headObjectContext or listing context");
  const std::string where = "event." + out.context;
  const Json& context = object_member(event, out.context.c_str(), "event");
  out.input_s3_url = text(context, "inputS3Url", where);
  if (out.context == "getObjectContext") {
    out.output_route = text(context, "outputRoute", where);
    out.output_token = text(context, "outputToken", where);
  }
  const Json& configuration = object_member(event, "configuration", "event");
  out.access_point_arn = text(configuration, "accessPointArn", "event.configuration");
  out.supporting_access_point_arn = text(configuration, "supportingAccessPointArn", "event.configuration");
  out.payload = optional_text(configuration, "payload", "event.configuration");
  const Json& user_request = object_member(event, "userRequest", "event");
  out.user_request_url = text(user_request, "url", "event.userRequest");
  if (auto it = user_request.find("headers"); it != user_request.end() && !it->is_null()) {
    if (!it->is_object()) throw std::invalid_argument("event.userRequest.headers is not an object");
    for (const auto& [name, value] : it->items()) {
      if (!value.is_string()) throw std::invalid_argument("event.userRequest.headers." + name + " is not a string");
      out.user_request_headers.emplace_back(name, value.get<std::string>());
    }
  }
  if (auto it = event.find("userIdentity"); it != event.end() && it->is_object()) out.user_identity = *it;
  out.protocol_version = text(event, "protocolVersion", "event");
  return out;
}

bool ObjectLambdaEvent::matches(const Json& event) {
  if (!event.is_object() || !event.contains("xAmzRequestId") || !event.contains("configuration")) return false;
  for (const char* name : kContexts)
    if (event.contains(name)) return true;
  return false;
}

}  // namespace bf
