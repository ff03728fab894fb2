#include "emulator/pipeline/pipeline_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "emulator/api/route_table.h"
#include "emulator/lambda/arn.h"
#include "emulator/pipeline/bucket_rules.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/bucket_policy.h"

namespace bf {

namespace {

// Field readers that throw ConfigError with the field's path.
struct ConfigError {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ConfigError{where + ": " + what};
}

void only_fields(const Json& object, const std::string& where, std::set<std::string> allowed) {
  if (!object.is_object()) fail(where, "must be an object");
  for (const auto& [key, value] : object.items())
    if (!allowed.count(key)) fail(where + "." + key, "unknown field");
}

std::string text(const Json& object, const std::string& where, const char* name,
                 bool required, std::string fallback = "") {
  if (!object.contains(name)) {
    if (required) fail(where + "." + name, "is required");
    return fallback;
  }
  if (!object[name].is_string()) fail(where + "." + name, "must be a string");
  return object[name].get<std::string>();
}

int integer(const Json& object, const std::string& where, const char* name, int fallback,
            int min, int max) {
  if (!object.contains(name)) return fallback;
  const Json& v = object[name];
  if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max)
    fail(where + "." + name,
         "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return static_cast<int>(v.get<long long>());
}

std::vector<std::string> strings(const Json& j, const std::string& where, const char* name) {
  std::vector<std::string> out;
  if (!j.contains(name)) return out;
  if (!j[name].is_array()) fail(where + "." + name, "must be an array of strings");
  for (const auto& v : j[name]) {
    if (!v.is_string()) fail(where + "." + name, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

FunctionConfig read_function(const Json& j, const std::string& where,
                             const std::vector<std::string>& handlers) {
  only_fields(j, where,
              {"name", "handler", "runtime", "command", "code", "url", "description", "memory_size",
               "timeout", "environment", "reserved_concurrency", "maximum_retry_attempts",
               "maximum_event_age_seconds", "on_success", "on_failure", "recursive_loop"});
  FunctionConfig f;
  f.name = text(j, where, "name", true);
  if (f.name.empty() || f.name.size() > 64 ||
      !std::all_of(f.name.begin(), f.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      }))
    fail(where + ".name", "must be 1-64 letters, digits, '-' or '_'");
  f.command = text(j, where, "command", false);
  f.code_path = text(j, where, "code", false);
  const std::string runtime = text(j, where, "runtime", false);
  if (!f.command.empty() && !f.code_path.empty())
    fail(where + ".command", "give either a command or code, not both");
  if (!f.command.empty()) {
    if (runtime != "process") fail(where + ".runtime", "must be \"process\" for a function with a command");
    f.runtime = "process";
  } else if (!f.code_path.empty()) {
    if (!runtime.empty() && runtime != "provided.al2023" && runtime != "provided.al2")
      fail(where + ".runtime", "must be provided.al2023 or provided.al2 for code with a bootstrap");
    if (!runtime.empty()) f.runtime = runtime;
    std::error_code ec;
    const bool zip = f.code_path.ends_with(".zip") && std::filesystem::is_regular_file(f.code_path, ec);
    if (!zip && !std::filesystem::is_regular_file(f.code_path + "/bootstrap", ec))
      fail(where + ".code", "\"" + f.code_path + "\" is neither a .zip nor a folder with a bootstrap");
  } else if (!runtime.empty() && runtime != "provided.al2023") {
    fail(where + ".runtime", "\"" + runtime + "\" needs a command (\"process\") or code (provided.al2023, provided.al2)");
  }
  f.handler = text(j, where, "handler", !f.external());
  if (!f.external() && std::find(handlers.begin(), handlers.end(), f.handler) == handlers.end()) {
    std::string known;
    for (const auto& h : handlers) known += (known.empty() ? "" : ", ") + h;
    fail(where + ".handler", "\"" + f.handler + "\" is not a registered handler (known: " + known + ")");
  }
  f.description = text(j, where, "description", false);
  f.memory_mb = integer(j, where, "memory_size", 128, 128, 10240);
  f.timeout_s = integer(j, where, "timeout", 3, 1, 900);
  if (j.contains("environment")) {
    const Json& env = j["environment"];
    if (!env.is_object()) fail(where + ".environment", "must be an object of strings");
    for (const auto& [k, v] : env.items()) {
      if (!v.is_string()) fail(where + ".environment." + k, "must be a string");
      f.environment[k] = v.get<std::string>();
    }
  }
  if (j.contains("reserved_concurrency") && !j["reserved_concurrency"].is_null())
    f.reserved_concurrency = integer(j, where, "reserved_concurrency", 0, 0, 1000);
  f.async.maximum_retry_attempts = integer(j, where, "maximum_retry_attempts", 2, 0, 2);
  f.async.maximum_event_age_seconds = integer(j, where, "maximum_event_age_seconds", 21600, 60, 21600);
  f.async.on_success.arn = text(j, where, "on_success", false);
  f.async.on_failure.arn = text(j, where, "on_failure", false);
  f.async.configured = j.contains("maximum_retry_attempts") || j.contains("maximum_event_age_seconds") ||
                       j.contains("on_success") || j.contains("on_failure");
  if (j.contains("url")) {
    only_fields(j["url"], where + ".url", {"auth", "cors"});
    std::string auth = text(j["url"], where + ".url", "auth", false, "NONE");
    if (auth != "NONE" && auth != "AWS_IAM") fail(where + ".url.auth", "must be \"NONE\" or \"AWS_IAM\"");
    f.url_auth = auth;
    if (j["url"].contains("cors")) {
      const Json& c = j["url"]["cors"];
      const std::string cw = where + ".url.cors";
      only_fields(c, cw, {"allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age",
                          "allow_credentials"});
      f.url_cors.configured = true;
      f.url_cors.allow_origins = strings(c, cw, "allow_origins");
      f.url_cors.allow_methods = strings(c, cw, "allow_methods");
      f.url_cors.allow_headers = strings(c, cw, "allow_headers");
      f.url_cors.expose_headers = strings(c, cw, "expose_headers");
      f.url_cors.max_age = integer(c, cw, "max_age", 0, 0, 86400);
      if (c.contains("allow_credentials")) {
        if (!c["allow_credentials"].is_boolean()) fail(cw + ".allow_credentials", "must be true or false");
        f.url_cors.allow_credentials = c["allow_credentials"].get<bool>();
      }
    }
  }
  std::string loop = text(j, where, "recursive_loop", false, "Terminate");
  if (loop != "Terminate" && loop != "Allow") fail(where + ".recursive_loop", "must be \"Terminate\" or \"Allow\"");
  f.recursive_loop_allowed = loop == "Allow";
  return f;
}

RouteLimits read_limits(const Json& j, const std::string& where) {
  only_fields(j, where, {"max_body", "content_types", "required_headers", "required_query", "rate",
                         "allow_ips", "deny_ips", "timeout"});
  RouteLimits l;
  l.max_body = static_cast<std::uint64_t>(integer(j, where, "max_body", 10 * 1024 * 1024, 0, 10 * 1024 * 1024));
  l.content_types = strings(j, where, "content_types");
  l.required_headers = strings(j, where, "required_headers");
  l.required_query = strings(j, where, "required_query");
  l.allow_ips = strings(j, where, "allow_ips");
  l.deny_ips = strings(j, where, "deny_ips");
  l.timeout_seconds = integer(j, where, "timeout", 30, 1, 30);
  if (j.contains("rate")) {
    const Json& rate = j["rate"];
    only_fields(rate, where + ".rate", {"requests_per_second", "burst"});
    if (!rate.contains("requests_per_second") || !rate["requests_per_second"].is_number() ||
        rate["requests_per_second"].get<double>() <= 0)
      fail(where + ".rate.requests_per_second", "must be a number above 0");
    l.requests_per_second = rate["requests_per_second"].get<double>();
    l.burst = integer(rate, where + ".rate", "burst", 0, 0, 100000);
  }
  return l;
}

FunctionNotification read_notification(const Json& j, const std::string& where) {
  only_fields(j, where, {"id", "function", "events", "prefix", "suffix"});
  FunctionNotification n;
  n.id = text(j, where, "id", false);
  n.function_arn = text(j, where, "function", true);
  if (!j.contains("events") || !j["events"].is_array() || j["events"].empty())
    fail(where + ".events", "must be a non-empty array of event names such as \"s3:ObjectCreated:*\"");
  for (std::size_t i = 0; i < j["events"].size(); ++i) {
    if (!j["events"][i].is_string()) fail(where + ".events[" + std::to_string(i) + "]", "must be a string");
    n.events.push_back(j["events"][i].get<std::string>());
  }
  n.prefix = text(j, where, "prefix", false);
  n.suffix = text(j, where, "suffix", false);
  return n;
}

// "lifecycle" and "intelligent_tiering": the JSON boto3 and the aws CLI take, checked as S3
// checks the XML.
// Public access: the four blocks (each left out is off, as in CloudFormation) and a bucket
// policy, which the blocks must let through as S3's PutBucketPolicy would.
void read_bucket_access(const Json& b, const std::string& where, BucketDeclaration& bucket) {
  if (b.contains("public_access_block")) {
    const Json& block = b["public_access_block"];
    const std::string bwhere = where + ".public_access_block";
    if (!block.is_object()) fail(bwhere, "must be an object of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets");
    only_fields(block, bwhere, {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"});
    for (const auto& [name, value] : block.items())
      if (!value.is_boolean()) fail(bwhere + "." + name, "must be true or false");
    bucket.public_access_block = PublicAccessBlock{block.value("BlockPublicAcls", false), block.value("IgnorePublicAcls", false),
                                                   block.value("BlockPublicPolicy", false),
                                                   block.value("RestrictPublicBuckets", false)};
  }
  if (!b.contains("policy")) return;
  if (!b["policy"].is_object()) fail(where + ".policy", "must be a bucket policy document (an object)");
  bucket.policy = b["policy"].dump();
  auto parsed = parse_bucket_policy(bucket.policy, bucket.name);
  if (auto* err = std::get_if<S3Error>(&parsed)) fail(where + ".policy", err->message);
  const PublicAccessBlock block = bucket.public_access_block.value_or(PublicAccessBlock{});
  if (block.block_public_policy && is_public_policy(std::get<BucketPolicy>(parsed)))
    fail(where + ".policy", "is public, which BlockPublicPolicy refuses: set public_access_block's BlockPublicPolicy to false");
}

void read_bucket_rules(const Json& b, const std::string& where, BucketDeclaration& bucket) {
  read_bucket_access(b, where, bucket);
  if (b.contains("lifecycle")) {
    auto parsed = lifecycle_from_json(b["lifecycle"]);
    if (auto* error = std::get_if<std::string>(&parsed)) fail(where + ".lifecycle", *error);
    bucket.lifecycle = std::get<LifecycleConfig>(std::move(parsed));
  }
  if (!b.contains("intelligent_tiering")) return;
  const Json& list = b["intelligent_tiering"];
  if (!list.is_array()) fail(where + ".intelligent_tiering", "must be an array of IntelligentTieringConfiguration objects");
  std::set<std::string> ids;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string twhere = where + ".intelligent_tiering[" + std::to_string(k) + "]";
    auto parsed = tiering_from_json(list[k]);
    if (auto* error = std::get_if<std::string>(&parsed)) fail(twhere, *error);
    TieringConfig config = std::get<TieringConfig>(std::move(parsed));
    if (!ids.insert(config.id).second) fail(twhere + ".Id", "\"" + config.id + "\" is declared twice");
    bucket.intelligent_tiering.push_back(std::move(config));
  }
  if (bucket.intelligent_tiering.size() > 1000)
    fail(where + ".intelligent_tiering", "at most 1,000 configurations, as S3 allows");
}

using FunctionExists = std::function<std::optional<std::string>(const std::string&)>;

// access_points (over declared buckets) and object_lambda_access_points (over declared access
// points, transforming with declared functions).
void read_access_points(const Json& doc, PipelineConfig& config, const FunctionExists& function_exists,
                        const std::string& region) {
  std::set<std::string> declared;
  if (doc.contains("access_points")) {
    if (!doc["access_points"].is_array()) fail("access_points", "must be an array");
    for (std::size_t i = 0; i < doc["access_points"].size(); ++i) {
      const std::string where = "access_points[" + std::to_string(i) + "]";
      const Json& a = doc["access_points"][i];
      only_fields(a, where, {"name", "bucket"});
      AccessPointDeclaration point{text(a, where, "name", true), text(a, where, "bucket", true)};
      if (!valid_access_point_name(point.name, 50))
        fail(where + ".name", "must be 3-50 lowercase letters, digits and hyphens, as AWS names access points");
      if (std::none_of(config.buckets.begin(), config.buckets.end(), [&](const auto& b) { return b.name == point.bucket; }))
        fail(where + ".bucket", "\"" + point.bucket + "\" is not a declared bucket");
      if (!declared.insert(point.name).second) fail(where + ".name", "\"" + point.name + "\" is declared twice");
      config.access_points.push_back(std::move(point));
    }
  }
  if (!doc.contains("object_lambda_access_points")) return;
  const Json& list = doc["object_lambda_access_points"];
  if (!list.is_array()) fail("object_lambda_access_points", "must be an array");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "object_lambda_access_points[" + std::to_string(i) + "]";
    const Json& o = list[i];
    only_fields(o, where, {"name", "supporting_access_point", "transformations", "allowed_features"});
    ObjectLambdaDeclaration point;
    point.name = text(o, where, "name", true);
    if (!valid_access_point_name(point.name, 45))
      fail(where + ".name", "must be 3-45 lowercase letters, digits and hyphens, as AWS names Object Lambda access points");
    if (!names.insert(point.name).second) fail(where + ".name", "\"" + point.name + "\" is declared twice");
    point.supporting_access_point = text(o, where, "supporting_access_point", true);
    if (!declared.count(point.supporting_access_point))
      fail(where + ".supporting_access_point", "\"" + point.supporting_access_point + "\" is not a declared access point");
    point.allowed_features = strings(o, where, "allowed_features");
    for (const auto& feature : point.allowed_features)
      if (feature != "GetObject-Range" && feature != "GetObject-PartNumber" && feature != "HeadObject-Range" &&
          feature != "HeadObject-PartNumber")
        fail(where + ".allowed_features", "\"" + feature + "\" is not GetObject-Range, GetObject-PartNumber, "
                                          "HeadObject-Range or HeadObject-PartNumber");
    if (!o.contains("transformations") || !o["transformations"].is_array() || o["transformations"].empty())
      fail(where + ".transformations", "must be a non-empty array");
    std::set<std::string> actions;
    for (std::size_t k = 0; k < o["transformations"].size(); ++k) {
      const std::string twhere = where + ".transformations[" + std::to_string(k) + "]";
      const Json& t = o["transformations"][k];
      only_fields(t, twhere, {"actions", "function", "payload"});
      ObjectLambdaTransformation transformation;
      transformation.actions = strings(t, twhere, "actions");
      if (transformation.actions.empty()) fail(twhere + ".actions", "must name at least one action");
      for (const auto& action : transformation.actions) {
        if (action != "GetObject" && action != "HeadObject" && action != "ListObjects" && action != "ListObjectsV2")
          fail(twhere + ".actions", "\"" + action + "\" is not GetObject, HeadObject, ListObjects or ListObjectsV2");
        if (!actions.insert(action).second) fail(twhere + ".actions", "\"" + action + "\" is transformed twice");
      }
      const std::string function = text(t, twhere, "function", true);
      auto target = function_exists(function);
      if (!target) fail(twhere + ".function", "\"" + function + "\" is not a declared function");
      transformation.function_arn = function_arn(region, *target);
      transformation.function_payload = text(t, twhere, "payload", false);
      point.transformations.push_back(std::move(transformation));
    }
    config.object_lambda_access_points.push_back(std::move(point));
  }
}

}  // namespace

std::variant<PipelineConfig, std::string> parse_pipeline(const Json& doc,
                                                         const std::vector<std::string>& handlers,
                                                         const std::string& region) {
  try {
    only_fields(doc, "pipeline", {"functions", "buckets", "access_points", "object_lambda_access_points", "routes",
                                  "authorizers", "description"});
    PipelineConfig config;
    std::set<std::string> names;
    if (doc.contains("functions")) {
      if (!doc["functions"].is_array()) fail("functions", "must be an array");
      for (std::size_t i = 0; i < doc["functions"].size(); ++i) {
        std::string where = "functions[" + std::to_string(i) + "]";
        FunctionConfig f = read_function(doc["functions"][i], where, handlers);
        if (!names.insert(f.name).second) fail(where + ".name", "\"" + f.name + "\" is declared twice");
        config.functions.push_back(std::move(f));
      }
    }
    auto function_exists = [&](const std::string& arn) -> std::optional<std::string> {
      const auto ref = parse_function_ref(arn);
      if (ref && names.count(ref->name)) return ref->name;
      return std::nullopt;
    };
    for (std::size_t i = 0; i < config.functions.size(); ++i) {
      auto& f = config.functions[i];
      for (auto [field, dest] : {std::pair{"on_success", &f.async.on_success}, std::pair{"on_failure", &f.async.on_failure}}) {
        if (dest->arn.empty() || dest->is_bucket()) continue;
        auto target = function_exists(dest->arn);
        if (!target) fail("functions[" + std::to_string(i) + "]." + field, "\"" + dest->arn + "\" is not a declared function or an arn:aws:s3::: bucket");
        dest->arn = function_arn(region, *target);
      }
      if (f.async.on_success.is_bucket())
        fail("functions[" + std::to_string(i) + "].on_success", "S3 buckets are allowed as on_failure destinations only, as on AWS");
    }
    if (doc.contains("buckets")) {
      if (!doc["buckets"].is_array()) fail("buckets", "must be an array");
      for (std::size_t i = 0; i < doc["buckets"].size(); ++i) {
        std::string where = "buckets[" + std::to_string(i) + "]";
        const Json& b = doc["buckets"][i];
        only_fields(b, where, {"name", "versioning", "notifications", "lifecycle", "intelligent_tiering",
                                "public_access_block", "policy"});
        BucketDeclaration bucket;
        bucket.name = text(b, where, "name", true);
        if (validate_bucket_name(bucket.name)) fail(where + ".name", "\"" + bucket.name + "\" is not a valid S3 bucket name");
        bucket.versioning = text(b, where, "versioning", false);
        if (!bucket.versioning.empty() && bucket.versioning != "Enabled" && bucket.versioning != "Suspended")
          fail(where + ".versioning", "must be \"Enabled\" or \"Suspended\"");
        if (b.contains("notifications")) {
          if (!b["notifications"].is_array()) fail(where + ".notifications", "must be an array");
          for (std::size_t k = 0; k < b["notifications"].size(); ++k) {
            std::string nwhere = where + ".notifications[" + std::to_string(k) + "]";
            FunctionNotification n = read_notification(b["notifications"][k], nwhere);
            auto target = function_exists(n.function_arn);
            if (!target) fail(nwhere + ".function", "\"" + n.function_arn + "\" is not a declared function");
            n.function_arn = function_arn(region, *target);
            if (n.id.empty()) n.id = n.function_arn.substr(n.function_arn.rfind(':') + 1) + "-" + std::to_string(k);
            bucket.notifications.functions.push_back(std::move(n));
          }
          if (auto err = validate_notifications(bucket.notifications, nullptr))
            fail(where + ".notifications", err->message);
        }
        read_bucket_rules(b, where, bucket);
        config.buckets.push_back(std::move(bucket));
      }
    }
    read_access_points(doc, config, function_exists, region);
    if (doc.contains("authorizers")) {
      if (!doc["authorizers"].is_object()) fail("authorizers", "must be an object of named authorizers");
      for (const auto& [name, a] : doc["authorizers"].items()) {
        const std::string where = "authorizers." + name;
        Authorizer authorizer;
        authorizer.type = text(a, where, "type", true);
        if (authorizer.type == "jwt") {
          only_fields(a, where, {"type", "issuer", "audience", "secret", "jwks", "jwks_file", "identity_source"});
          authorizer.jwt.issuer = text(a, where, "issuer", true);
          if (!a.contains("audience") || !a["audience"].is_array() || a["audience"].empty())
            fail(where + ".audience", "must be a non-empty array of strings");
          for (const auto& aud : a["audience"]) {
            if (!aud.is_string()) fail(where + ".audience", "must be a non-empty array of strings");
            authorizer.jwt.audience.push_back(aud.get<std::string>());
          }
          authorizer.jwt.secret = text(a, where, "secret", false);
          if (a.contains("jwks")) authorizer.jwt.jwks = a["jwks"];
          if (const std::string file = text(a, where, "jwks_file", false); !file.empty()) {
            std::ifstream in(file);
            std::stringstream content;
            content << in.rdbuf();
            authorizer.jwt.jwks = Json::parse(content.str(), nullptr, false);
            if (!in || authorizer.jwt.jwks.is_discarded()) fail(where + ".jwks_file", "\"" + file + "\" is not a readable JWKS document");
          }
          if (authorizer.jwt.secret.empty() && !authorizer.jwt.jwks.is_object())
            fail(where, "needs a secret (HS256) or keys (jwks or jwks_file, for RS256 and ES256)");
          authorizer.identity_sources = {text(a, where, "identity_source", false, "$request.header.Authorization")};
        } else if (authorizer.type == "lambda") {
          only_fields(a, where, {"type", "function", "identity_sources", "ttl"});
          auto target = function_exists(text(a, where, "function", true));
          if (!target) fail(where + ".function", "is not a declared function");
          authorizer.function = *target;
          if (a.contains("identity_sources")) {
            authorizer.identity_sources.clear();
            for (const auto& s : a["identity_sources"]) {
              if (!s.is_string()) fail(where + ".identity_sources", "must be strings like $request.header.Authorization");
              authorizer.identity_sources.push_back(s.get<std::string>());
            }
          }
          authorizer.ttl_seconds = integer(a, where, "ttl", 0, 0, 3600);
        } else {
          fail(where + ".type", "must be \"jwt\" or \"lambda\"");
        }
        for (const auto& source : authorizer.identity_sources)
          if (!source.starts_with("$request.header.") && !source.starts_with("$request.querystring."))
            fail(where, "identity sources are $request.header.NAME or $request.querystring.NAME");
        config.authorizers[name] = std::move(authorizer);
      }
    }
    if (doc.contains("routes")) {
      if (!doc["routes"].is_array()) fail("routes", "must be an array");
      std::set<std::string> keys;
      for (std::size_t i = 0; i < doc["routes"].size(); ++i) {
        std::string where = "routes[" + std::to_string(i) + "]";
        const Json& r = doc["routes"][i];
        only_fields(r, where, {"route", "function", "authorizer", "scopes", "limits"});
        const std::string route_key = text(r, where, "route", true);
        std::string error;
        auto parsed = parse_route(route_key, error);
        if (!parsed) fail(where + ".route", error);
        Route& route = *parsed;
        route.function = text(r, where, "function", true);
        route.authorizer = text(r, where, "authorizer", false);
        if (!route.authorizer.empty() && !config.authorizers.count(route.authorizer))
          fail(where + ".authorizer", "\"" + route.authorizer + "\" is not a declared authorizer");
        if (r.contains("limits")) route.limits = read_limits(r["limits"], where + ".limits");
        if (r.contains("scopes"))
          for (const auto& s : r["scopes"]) {
            if (!s.is_string()) fail(where + ".scopes", "must be strings");
            route.scopes.push_back(s.get<std::string>());
          }
        if (!keys.insert(route.route_key).second)
          fail(where + ".route", "\"" + route.route_key + "\" is declared twice");
        auto target = function_exists(route.function);
        if (!target) fail(where + ".function", "\"" + route.function + "\" is not a declared function");
        route.function = *target;
        config.routes.push_back(std::move(route));
      }
    }
    return config;
  } catch (const ConfigError& e) {
    return e.message;
  }
}

std::variant<PipelineConfig, std::string> load_pipeline_file(const std::string& path,
                                                             const std::vector<std::string>& handlers,
                                                             const std::string& region) {
  std::ifstream in(path);
  if (!in) return path + ": cannot be read";
  std::stringstream text;
  text << in.rdbuf();
  Json doc = Json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) return path + ": is not valid JSON";
  auto parsed = parse_pipeline(doc, handlers, region);
  if (auto* err = std::get_if<std::string>(&parsed)) return path + ": " + *err;
  return parsed;
}

}  // namespace bf
