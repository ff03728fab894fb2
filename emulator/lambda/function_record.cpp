#include "emulator/lambda/function_record.h"

#include "sdk/json.h"

namespace bf {

namespace {

Json strings(const std::vector<std::string>& list) { return Json(list); }

std::vector<std::string> strings_of(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

std::string function_record(const FunctionConfig& fn) {
  Json j{{"version", 1},
         {"name", fn.name},
         {"region", fn.region},
         {"handler", fn.handler},
         {"command", fn.command},
         {"codePath", fn.code_path},
         {"description", fn.description},
         {"runtime", fn.runtime},
         {"memoryMb", fn.memory_mb},
         {"timeoutS", fn.timeout_s},
         {"environment", fn.environment},
         {"recursiveLoopAllowed", fn.recursive_loop_allowed},
         {"lastModifiedMs", fn.last_modified_ms},
         {"revisionId", fn.revision_id}};
  if (fn.reserved_concurrency) j["reservedConcurrency"] = *fn.reserved_concurrency;
  j["async"] = {{"configured", fn.async.configured},
                {"maximumRetryAttempts", fn.async.maximum_retry_attempts},
                {"maximumEventAgeSeconds", fn.async.maximum_event_age_seconds},
                {"onSuccess", fn.async.on_success.arn},
                {"onFailure", fn.async.on_failure.arn},
                {"lastModifiedS", fn.async.last_modified_s}};
  if (fn.url_auth) {
    j["url"] = {{"auth", *fn.url_auth},
                {"corsConfigured", fn.url_cors.configured},
                {"allowOrigins", strings(fn.url_cors.allow_origins)},
                {"allowMethods", strings(fn.url_cors.allow_methods)},
                {"allowHeaders", strings(fn.url_cors.allow_headers)},
                {"exposeHeaders", strings(fn.url_cors.expose_headers)},
                {"maxAge", fn.url_cors.max_age},
                {"allowCredentials", fn.url_cors.allow_credentials}};
  }
  return to_text(j);
}

std::optional<FunctionConfig> parse_function_record(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("version", 0) != 1) return std::nullopt;
  try {
    FunctionConfig fn;
    fn.name = j.at("name").get<std::string>();
    fn.region = j.value("region", "");
    fn.handler = j.value("handler", "");
    fn.command = j.value("command", "");
    fn.code_path = j.value("codePath", "");
    fn.description = j.value("description", "");
    fn.runtime = j.value("runtime", fn.runtime);
    fn.memory_mb = j.value("memoryMb", fn.memory_mb);
    fn.timeout_s = j.value("timeoutS", fn.timeout_s);
    if (j.contains("environment"))
      fn.environment = j["environment"].get<std::map<std::string, std::string>>();
    fn.recursive_loop_allowed = j.value("recursiveLoopAllowed", false);
    fn.last_modified_ms = j.value("lastModifiedMs", std::int64_t{0});
    fn.revision_id = j.value("revisionId", "");
    if (j.contains("reservedConcurrency")) fn.reserved_concurrency = j["reservedConcurrency"].get<int>();
    if (const Json& a = j.value("async", Json::object()); a.is_object()) {
      fn.async.configured = a.value("configured", false);
      fn.async.maximum_retry_attempts = a.value("maximumRetryAttempts", fn.async.maximum_retry_attempts);
      fn.async.maximum_event_age_seconds = a.value("maximumEventAgeSeconds", fn.async.maximum_event_age_seconds);
      fn.async.on_success.arn = a.value("onSuccess", "");
      fn.async.on_failure.arn = a.value("onFailure", "");
      fn.async.last_modified_s = a.value("lastModifiedS", 0.0);
    }
    if (j.contains("url") && j["url"].is_object()) {
      const Json& u = j["url"];
      fn.url_auth = u.value("auth", "NONE");
      fn.url_cors.configured = u.value("corsConfigured", false);
      fn.url_cors.allow_origins = strings_of(u.value("allowOrigins", Json::array()));
      fn.url_cors.allow_methods = strings_of(u.value("allowMethods", Json::array()));
      fn.url_cors.allow_headers = strings_of(u.value("allowHeaders", Json::array()));
      fn.url_cors.expose_headers = strings_of(u.value("exposeHeaders", Json::array()));
      fn.url_cors.max_age = u.value("maxAge", 0);
      fn.url_cors.allow_credentials = u.value("allowCredentials", false);
    }
    return fn;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace bf
