#include "emulator/pipeline/sam_export.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "emulator/lambda/arn.h"
#include "emulator/pipeline/bucket_rules.h"

namespace bf {

namespace {

// CloudFormation logical ids are alphanumeric: "processed-images" -> "ProcessedImages".
std::string logical_id(const std::string& name, const std::string& suffix) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return out + suffix;
}

// Buckets are named from the local name, the account and the region (S3 names are global).
// Functions refer to them by this name, never by Ref/GetAtt: a bucket whose notifications
// invoke a function that refers to the bucket would otherwise be a dependency cycle.
std::string deployed_bucket_name(const std::string& name) { return name + "-${AWS::AccountId}-${AWS::Region}"; }

Json bucket_name(const std::string& name) { return Json{{"Fn::Sub", deployed_bucket_name(name)}}; }

// The deployed bucket's ARN, with `path` ("", "/*", "/thumbnails/*") after it.
Json bucket_arn(const std::string& name, const std::string& path = "") {
  return Json{{"Fn::Sub", "arn:${AWS::Partition}:s3:::" + deployed_bucket_name(name) + path}};
}

// A declared bucket policy for the stack: its resources name the deployed bucket, whose name
// carries the account and region.
Json policy_document(const std::string& policy, const std::string& bucket) {
  Json doc = Json::parse(policy);
  const std::string local = "arn:aws:s3:::" + bucket;
  auto deployed = [&](const Json& resource) -> Json {
    if (!resource.is_string()) return resource;
    const std::string r = resource.get<std::string>();
    if (r != local && !r.starts_with(local + "/")) return resource;
    return bucket_arn(bucket, r.substr(local.size()));
  };
  if (!doc["Statement"].is_array()) doc["Statement"] = Json::array({Json(doc["Statement"])});
  for (Json& s : doc["Statement"])
    for (const char* field : {"Resource", "NotResource"})
      if (s.contains(field)) {
        Json& value = s[field];
        if (value.is_array())
          for (Json& r : value) r = deployed(r);
        else
          value = deployed(value);
      }
  return doc;
}

Json destination(const Destination& d, const std::string& kind_for_function) {
  if (d.is_bucket())
    return Json{{"Type", "S3Bucket"}, {"Destination", bucket_arn(d.bucket())}};
  const auto ref = parse_function_ref(d.arn);
  const std::string function = ref ? ref->name : "";
  return Json{{"Type", kind_for_function},
              {"Destination", Json{{"Fn::GetAtt", Json::array({logical_id(function, "Function"), "Arn"})}}}};
}

// "$request.header.Authorization" -> ("Headers", "Authorization")
std::pair<std::string, std::string> identity_part(const std::string& source) {
  for (const auto& [prefix, kind] : {std::pair<std::string, std::string>{"$request.header.", "Headers"},
                                     {"$request.querystring.", "QueryStrings"}})
    if (source.starts_with(prefix)) return {kind, source.substr(prefix.size())};
  return {"", ""};
}

// The HTTP API: its JWT authorizers (API Gateway fetches the issuer's keys itself, so an
// issuer that publishes JWKS replaces a workshop's shared secret) and Lambda authorizers.
Json http_api(const PipelineConfig& pipeline) {
  Json authorizers = Json::object();
  for (const auto& [name, a] : pipeline.authorizers) {
    if (a.type == "jwt") {
      Json jwt{{"issuer", a.jwt.issuer}};
      if (!a.jwt.audience.empty()) jwt["audience"] = a.jwt.audience;
      authorizers[name] = Json{{"IdentitySource", "$request.header.Authorization"}, {"JwtConfiguration", jwt}};
    } else {
      Json identity = Json::object();
      for (const auto& source : a.identity_sources)
        if (auto [kind, value] = identity_part(source); !kind.empty()) identity[kind].push_back(value);
      Json lambda{{"FunctionArn", Json{{"Fn::GetAtt", Json::array({logical_id(a.function, "Function"), "Arn"})}}},
                  {"AuthorizerPayloadFormatVersion", "2.0"},
                  {"EnableSimpleResponses", true},
                  {"Identity", identity}};
      if (a.ttl_seconds > 0) lambda["Identity"]["ReauthorizeEvery"] = a.ttl_seconds;
      authorizers[name] = lambda;
    }
  }
  Json properties = Json::object();
  if (!authorizers.empty()) properties["Auth"] = {{"Authorizers", authorizers}};
  return Json{{"Type", "AWS::Serverless::HttpApi"}, {"Properties", properties}};
}

// A route of the function as a SAM HttpApi event.
Json route_event(const Route& r) {
  Json props{{"ApiId", Json{{"Ref", "HttpApi"}}}};
  if (r.route_key != "$default") {
    const auto space = r.route_key.find(' ');
    const std::string method = r.route_key.substr(0, space);
    props["Method"] = method;
    props["Path"] = r.route_key.substr(space + 1);
  }
  if (!r.authorizer.empty()) {
    props["Auth"] = {{"Authorizer", r.authorizer}};
    if (!r.scopes.empty()) props["Auth"]["AuthorizationScopes"] = r.scopes;
  }
  return Json{{"Type", "HttpApi"}, {"Properties", props}};
}

// AWS::S3::AccessPoint for each access point, AWS::S3ObjectLambda::AccessPoint for each Object
// Lambda access point (its functions by GetAtt, its supporting access point's ARN by GetAtt).
void add_access_points(Json& resources, const PipelineConfig& pipeline) {
  for (const auto& a : pipeline.access_points)
    resources[logical_id(a.name, "AccessPoint")] =
        Json{{"Type", "AWS::S3::AccessPoint"},
             {"Properties", {{"Bucket", Json{{"Ref", logical_id(a.bucket, "Bucket")}}}, {"Name", a.name}}}};
  for (const auto& o : pipeline.object_lambda_access_points) {
    Json transformations = Json::array();
    for (const auto& t : o.transformations) {
      const auto ref = parse_function_ref(t.function_arn);
      Json lambda{{"FunctionArn", Json{{"Fn::GetAtt", Json::array({logical_id(ref ? ref->name : "", "Function"), "Arn"})}}}};
      if (!t.function_payload.empty()) lambda["FunctionPayload"] = t.function_payload;
      transformations.push_back(Json{{"Actions", t.actions}, {"ContentTransformation", {{"AwsLambda", lambda}}}});
    }
    Json configuration{
        {"SupportingAccessPoint",
         Json{{"Fn::GetAtt", Json::array({logical_id(o.supporting_access_point, "AccessPoint"), "Arn"})}}},
        {"TransformationConfigurations", transformations}};
    if (!o.allowed_features.empty()) configuration["AllowedFeatures"] = o.allowed_features;
    resources[logical_id(o.name, "ObjectLambdaAccessPoint")] =
        Json{{"Type", "AWS::S3ObjectLambda::AccessPoint"},
             {"Properties", {{"Name", o.name}, {"ObjectLambdaConfiguration", configuration}}}};
  }
}

}  // namespace

Json sam_template(const PipelineConfig& pipeline, const SamOptions& options) {
  Json resources = Json::object();
  std::set<std::string> bucket_names;
  for (const auto& b : pipeline.buckets) {
    bucket_names.insert(b.name);
    Json properties{{"BucketName", bucket_name(b.name)}};
    if (!b.versioning.empty()) properties["VersioningConfiguration"] = {{"Status", b.versioning}};
    if (b.lifecycle) properties["LifecycleConfiguration"] = lifecycle_to_cloudformation(*b.lifecycle);
    if (!b.intelligent_tiering.empty())
      properties["IntelligentTieringConfigurations"] = tiering_to_cloudformation(b.intelligent_tiering);
    if (b.public_access_block)
      properties["PublicAccessBlockConfiguration"] = {
          {"BlockPublicAcls", b.public_access_block->block_public_acls},
          {"IgnorePublicAcls", b.public_access_block->ignore_public_acls},
          {"BlockPublicPolicy", b.public_access_block->block_public_policy},
          {"RestrictPublicBuckets", b.public_access_block->restrict_public_buckets}};
    Json bucket{{"Type", "AWS::S3::Bucket"}, {"Properties", properties}};
    resources[logical_id(b.name, "Bucket")] = bucket;
    if (!b.policy.empty())
      resources[logical_id(b.name, "BucketPolicy")] = {
          {"Type", "AWS::S3::BucketPolicy"},
          {"Properties", {{"Bucket", {{"Ref", logical_id(b.name, "Bucket")}}},
                          {"PolicyDocument", policy_document(b.policy, b.name)}}}};
  }

  for (const auto& f : pipeline.functions) {
    Json p = Json::object();
    // Built-in handlers share one package (its bootstrap picks the handler by name); external
    // code ships as it is.
    p["CodeUri"] = f.code_path.empty() ? options.packages_dir + "/" + options.package_for_handler(f.handler) + ".zip" : f.code_path;
    p["Handler"] = f.handler.empty() ? "bootstrap" : f.handler;
    p["Runtime"] = f.runtime == "provided.al2" ? "provided.al2" : "provided.al2023";
    p["Architectures"] = Json::array({"x86_64"});
    p["MemorySize"] = f.memory_mb;
    p["Timeout"] = f.timeout_s;
    if (!f.description.empty()) p["Description"] = f.description;
    if (!f.environment.empty()) {
      Json vars = Json::object();
      // A value naming a declared bucket becomes that bucket's real (generated) name.
      for (const auto& [k, v] : f.environment)
        vars[k] = bucket_names.count(v) ? bucket_name(v) : Json(v);
      p["Environment"] = {{"Variables", vars}};
    }
    if (f.reserved_concurrency) p["ReservedConcurrentExecutions"] = *f.reserved_concurrency;
    p["RecursiveLoop"] = f.recursive_loop_allowed ? "Allow" : "Terminate";
    Json invoke_config{{"MaximumRetryAttempts", f.async.maximum_retry_attempts},
                       {"MaximumEventAgeInSeconds", f.async.maximum_event_age_seconds}};
    Json destinations = Json::object();
    if (!f.async.on_success.arn.empty()) destinations["OnSuccess"] = destination(f.async.on_success, "Lambda");
    if (!f.async.on_failure.arn.empty()) destinations["OnFailure"] = destination(f.async.on_failure, "Lambda");
    if (!destinations.empty()) invoke_config["DestinationConfig"] = destinations;
    p["EventInvokeConfig"] = invoke_config;
    // Read and write access to the pipeline's buckets, as the local emulator allows.
    Json policies = Json::array();
    for (const auto& b : pipeline.buckets)
      policies.push_back(Json{{"S3CrudPolicy", {{"BucketName", bucket_name(b.name)}}}});
    // A function that answers Object Lambda requests calls WriteGetObjectResponse.
    const bool transforms = std::any_of(
        pipeline.object_lambda_access_points.begin(), pipeline.object_lambda_access_points.end(), [&](const auto& o) {
          return std::any_of(o.transformations.begin(), o.transformations.end(), [&](const auto& t) {
            const auto ref = parse_function_ref(t.function_arn);
            return ref && ref->name == f.name;
          });
        });
    if (transforms)
      policies.push_back(Json{{"Statement", Json::array({Json{{"Effect", "Allow"},
                                                              {"Action", "s3-object-lambda:WriteGetObjectResponse"},
                                                              {"Resource", "*"}}})}});
    if (!policies.empty()) p["Policies"] = policies;

    Json events = Json::object();
    for (const auto& b : pipeline.buckets) {
      for (const auto& n : b.notifications.functions) {
        if (auto ref = parse_function_ref(n.function_arn); !ref || ref->name != f.name) continue;
        Json props{{"Bucket", Json{{"Ref", logical_id(b.name, "Bucket")}}}, {"Events", n.events}};
        Json rules = Json::array();
        if (!n.prefix.empty()) rules.push_back(Json{{"Name", "prefix"}, {"Value", n.prefix}});
        if (!n.suffix.empty()) rules.push_back(Json{{"Name", "suffix"}, {"Value", n.suffix}});
        if (!rules.empty()) props["Filter"] = {{"S3Key", {{"Rules", rules}}}};
        events[logical_id(b.name + "-" + n.id, "Event")] = Json{{"Type", "S3"}, {"Properties", props}};
      }
    }
    for (const auto& r : pipeline.routes)
      if (r.function == f.name) events[logical_id(r.route_key == "$default" ? "default-route" : r.route_key, "Route")] = route_event(r);
    if (!events.empty()) p["Events"] = events;
    resources[logical_id(f.name, "Function")] = Json{{"Type", "AWS::Serverless::Function"}, {"Properties", p}};
  }

  if (!pipeline.routes.empty()) resources["HttpApi"] = http_api(pipeline);
  add_access_points(resources, pipeline);

  Json outputs = Json::object();
  if (!pipeline.routes.empty())
    outputs["ApiUrl"] = {{"Description", "The HTTP API's URL (the emulator serves the same routes under /_api)"},
                         {"Value", Json{{"Fn::Sub", "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}}}};
  Json out{{"AWSTemplateFormatVersion", "2010-09-09"},
              {"Transform", "AWS::Serverless-2016-10-31"},
              {"Description", "Exported by bucketfire from a pipeline file"},
              {"Resources", resources}};
  if (!outputs.empty()) out["Outputs"] = outputs;
  return out;
}

}  // namespace bf
