#include "emulator/lambda/lambda_api.h"

#include <cmath>
#include <cstdio>

#include "emulator/auth/verify.h"
#include "emulator/base/time.h"
#include "emulator/http/buffered_body.h"
#include "emulator/http/target.h"
#include "emulator/lambda/invocation_context.h"
#include "emulator/lambda/lambda_errors.h"
#include "emulator/lambda/lineage.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

constexpr std::string_view kPrefixes[] = {"/2015-03-31/functions", "/2019-09-25/functions",
                                          "/2017-10-31/functions", "/2019-09-30/functions",
                                          "/2024-08-31/functions"};

HttpResponse not_found(const std::string& name_or_arn, const std::string& region,
                       const std::string& request_id) {
  const std::string arn =
      name_or_arn.starts_with("arn:") ? name_or_arn : function_arn(region, name_or_arn);
  return lambda_error(404, "ResourceNotFoundException", "Function not found: " + arn, request_id);
}

// A registry change that did not happen: the function went away meanwhile, or the change
// could not be saved.
HttpResponse change_failed(const Status& status, const std::string& name, const std::string& region,
                           const std::string& request_id) {
  if (status.is_not_found()) return not_found(name, region, request_id);
  return lambda_error(500, "ServiceException", status.message(), request_id);
}

Json destination_json(const Destination& d) {
  return d.arn.empty() ? Json::object() : Json{{"Destination", d.arn}};
}

Json event_invoke_config_json(const FunctionConfig& fn) {
  return Json{{"LastModified", fn.async.last_modified_s},
              {"FunctionArn", function_arn(fn) + ":$LATEST"},
              {"MaximumRetryAttempts", fn.async.maximum_retry_attempts},
              {"MaximumEventAgeInSeconds", fn.async.maximum_event_age_seconds},
              {"DestinationConfig",
               {{"OnSuccess", destination_json(fn.async.on_success)},
                {"OnFailure", destination_json(fn.async.on_failure)}}}};
}

// Lambda's validation message for one out-of-range member.
std::string range_error(const std::string& member, long long value, long long min, long long max) {
  return "1 validation error detected: Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value " +
         (value > max ? "less than or equal to " + std::to_string(max)
                      : "greater than or equal to " + std::to_string(min));
}

// The request's body, gathered for handle(). One byte past `limit` is still taken, so that
// handle() answers an Invoke payload just over the limit with its own message.
std::unique_ptr<BodySink> gathered_body(LambdaApi& api, const HttpRequest& request, std::size_t limit) {
  return std::make_unique<BufferedBody>(
      limit + 1,
      BufferedBody::Answers{
          [&api, &request](const std::string& body) { return api.handle(request, body); },
          [&request, limit] {
            return lambda_error(413, "RequestTooLargeException",
                                "Request must be smaller than " + std::to_string(limit) + " bytes for the " +
                                    (limit == kSyncPayloadLimit ? "InvokeFunction" : "CreateFunction") +
                                    " operation",
                                request.request_id);
          },
          [](const std::string& request_id) {
            return lambda_error(429, "TooManyRequestsException", "Rate Exceeded.", request_id,
                                Json{{"Reason", "ConcurrentInvocationLimitExceeded"}});
          }});
}

}  // namespace

bool is_lambda_api_path(const HttpRequest& request) {
  std::string_view target = request.target;
  for (auto prefix : kPrefixes)
    if (target.starts_with(prefix) &&
        (target.size() == prefix.size() || target[prefix.size()] == '/' || target[prefix.size()] == '?'))
      return true;
  return false;
}

Json function_configuration_json(const FunctionConfig& fn) {
  Json j{{"FunctionName", fn.name},
         {"FunctionArn", function_arn(fn)},
         {"Runtime", fn.runtime},
         {"Role", std::string("arn:aws:iam::") + kAccountId + ":role/bucketfire-lambda-role"},
         {"Handler", fn.handler},
         {"CodeSize", 0},
         {"Description", fn.description},
         {"Timeout", fn.timeout_s},
         {"MemorySize", fn.memory_mb},
         {"LastModified", lambda_timestamp(fn.last_modified_ms)},
         {"CodeSha256", base64_encode(sha256(fn.handler))},
         {"Version", "$LATEST"}};
  if (!fn.environment.empty()) j["Environment"] = {{"Variables", fn.environment}};
  j["TracingConfig"] = {{"Mode", "PassThrough"}};
  j["RevisionId"] = fn.revision_id;
  j["State"] = "Active";
  j["LastUpdateStatus"] = "Successful";
  j["PackageType"] = "Zip";
  j["Architectures"] = Json::array({"x86_64"});
  j["EphemeralStorage"] = {{"Size", 512}};
  j["SnapStart"] = {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}};
  j["LoggingConfig"] = {{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + fn.name}};
  return j;
}

LambdaApi::LambdaApi(FunctionRegistry& functions, Invoker& invoker, Outbox& outbox,
                     BucketStore& buckets, ObjectStore& objects, const Clock& clock,
                     const CredentialStore& credentials, std::string region,
                     ExternalRuntimes* external, const Clock* signing_clock)
    : functions_(functions), invoker_(invoker), outbox_(outbox), buckets_(buckets),
      objects_(objects), clock_(clock), signing_clock_(signing_clock ? *signing_clock : real_clock()),
      credentials_(credentials), region_(std::move(region)), external_(external) {}

Dispatch LambdaApi::begin(const HttpRequest& request) {
  // Lambda signs the body's hash without sending it in a header: verification waits for the
  // body (at most 6 MB).
  // Code uploads carry a base64 zip: Lambda takes up to 50 MB zipped in the request.
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool code_upload = (request.method == "POST" && (path == "/2015-03-31/functions" ||
                                                         path == "/2015-03-31/functions/")) ||
                           (request.method == "PUT" && path.ends_with("/code"));
  Dispatch d;
  // An unknown key, a bad date or no signature at all is refused before any of the body is
  // read; only the signature itself has to wait for the body's hash.
  if (auto denied = authenticate_request(request, std::string(sigv4::kEmptySha256), true)) {
    denied->operation = "Lambda";
    d.response = std::move(*denied);
    return d;
  }
  d.sink = gathered_body(*this, request, code_upload ? kCodeUploadLimit : kSyncPayloadLimit);
  return d;
}

std::optional<HttpResponse> LambdaApi::authenticate_request(const HttpRequest& request,
                                                            const std::string& body_sha256,
                                                            bool head_only, std::string* region) {
  const auto target = parse_target(request.target);
  if (!target)
    return lambda_error(400, "InvalidRequestContentException", "Couldn't parse the specified URI.",
                        request.request_id);
  AuthSettings settings{credentials_, signing_clock_, region_, "lambda", body_sha256};
  settings.any_region = true;  // each region's endpoint: its functions are the ones it sees
  auto auth = authenticate(SignedRequest{request, *target}, settings);
  if (auth) {
    if (region) *region = auth->region.empty() ? region_ : auth->region;
    return std::nullopt;
  }
  const AuthError* err = &auth.error();
  if (head_only && err->code == "SignatureDoesNotMatch") return std::nullopt;
  if (err->code == "InvalidAccessKeyId")
    return lambda_error(403, "UnrecognizedClientException",
                        "The security token included in the request is invalid.", request.request_id);
  if (err->code == "SignatureDoesNotMatch")
    return lambda_error(403, "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you "
                        "provided. Check your AWS Secret Access Key and signing method.",
                        request.request_id);
  if (err->code == "AccessDenied")
    return lambda_error(403, "MissingAuthenticationTokenException", "Missing Authentication Token",
                        request.request_id);
  return lambda_error(403, "InvalidSignatureException", err->message.empty() ? err->code : err->message,
                      request.request_id);
}

HttpResponse LambdaApi::handle(const HttpRequest& request, const std::string& body) {
  std::string target = request.target.substr(0, request.target.find('?'));
  std::string path;
  sigv4::uri_decode(target, path);
  // /<version>/functions[/<name>[/<resource>]]
  std::vector<std::string> parts;
  for (std::size_t start = 1; start <= path.size();) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  const std::string& version = parts[0];
  const std::string name_or_arn = parts.size() > 2 ? parts[2] : "";
  const std::string resource = parts.size() > 3 ? parts[3] : "";
  const std::string& method = request.method;
  const std::string& rid = request.request_id;

  HttpResponse res;
  std::string region;  // the endpoint's: the region the request was signed for
  if (auto denied = authenticate_request(request, sha256_hex(body), false, &region)) {
    denied->operation = "Lambda";
    return std::move(*denied);
  }
  if (parts.size() == 2 && version == "2015-03-31" && method == "POST") return create_function(request, body, region);
  if (parts.size() == 2 && version == "2015-03-31" && method == "GET") {
    Json list = Json::array();
    for (const auto& fn : functions_.list())
      if (fn.region == region) list.push_back(function_configuration_json(fn));
    res = json_response(200, Json{{"Functions", list}}, rid);
    res.operation = "ListFunctions";
    return res;
  }
  std::string name = functions_.resolve(name_or_arn, region);
  // Only $LATEST exists here: versions and aliases are not emulated.
  sigv4::Params query;
  if (const auto question = request.target.find('?'); question != std::string::npos)
    parse_query(request.target.substr(question + 1), query);
  for (const auto& [param, qualifier] : query) {
    if (param != "Qualifier" || qualifier == "$LATEST" || name.empty()) continue;
    res = lambda_error(404, "ResourceNotFoundException",
                       "Function not found: " + function_arn(region, name) + ":" + qualifier, rid);
    res.operation = "Lambda";
    return res;
  }
  if (name.empty()) {
    res = not_found(name_or_arn, region, rid);
  } else if (version == "2015-03-31" && resource == "invocations" && method == "POST") {
    res = invoke(request, name, body);
  } else if (version == "2015-03-31" && resource.empty() && method == "DELETE") {
    res = delete_function(request, name);
  } else if (version == "2015-03-31" && resource == "code" && method == "PUT") {
    res = update_function_code(request, name, body);
  } else if (version == "2015-03-31" && resource.empty() && method == "GET") {
    auto fn = functions_.find(name);
    if (!fn) return not_found(name_or_arn, region_, rid);
    Json out{{"Configuration", function_configuration_json(*fn)},
             {"Code", {{"RepositoryType", "S3"}, {"Location", ""}}}};
    if (fn->reserved_concurrency)
      out["Concurrency"] = {{"ReservedConcurrentExecutions", *fn->reserved_concurrency}};
    res = json_response(200, out, rid);
    res.operation = "GetFunction";
  } else if (version == "2015-03-31" && resource == "configuration" && method == "GET") {
    auto fn = functions_.find(name);
    if (!fn) return not_found(name_or_arn, region_, rid);
    res = json_response(200, function_configuration_json(*fn), rid);
    res.operation = "GetFunctionConfiguration";
  } else if (version == "2019-09-25" && resource == "event-invoke-config") {
    res = event_invoke_config(request, name, body);
  } else if ((version == "2017-10-31" || version == "2019-09-30") && resource == "concurrency") {
    res = concurrency(request, name, body);
  } else if (version == "2024-08-31" && resource == "recursion-config") {
    res = recursion_config(request, name, body);
  } else {
    res = lambda_error(404, "UnknownOperationException", "Unknown operation " + method + " " + path, rid);
  }
  if (res.operation.empty()) res.operation = "Lambda";
  return res;
}

HttpResponse LambdaApi::failed(const HttpRequest& request) {
  HttpResponse res = lambda_error(500, "ServiceException", "An internal error occurred.", request.request_id);
  res.operation = "Lambda";
  return res;
}

HttpResponse LambdaApi::invoke(const HttpRequest& request, const std::string& name,
                               const std::string& body) {
  const std::string& rid = request.request_id;
  const std::string* type_header = request.header("X-Amz-Invocation-Type");
  const std::string type = type_header ? *type_header : "RequestResponse";
  auto fail = [&](HttpResponse r) {
    r.operation = "Invoke";
    return r;
  };
  if (type != "RequestResponse" && type != "Event" && type != "DryRun")
    return fail(lambda_error(400, "InvalidParameterValueException",
                             "Unsupported invocation type " + type, rid));
  if (!body.empty() && Json::parse(body, nullptr, false).is_discarded())
    return fail(lambda_error(400, "InvalidRequestContentException",
                             "Could not parse request body into json: Could not parse payload into json",
                             rid));
  if (type == "Event" && body.size() > kAsyncPayloadLimit)
    return fail(lambda_error(413, "RequestTooLargeException",
                             "Request must be smaller than " + std::to_string(kAsyncPayloadLimit) +
                                 " bytes for the InvokeAsync operation",
                             rid));
  if (body.size() > kSyncPayloadLimit)
    return fail(lambda_error(413, "RequestTooLargeException",
                             "Request must be smaller than " + std::to_string(kSyncPayloadLimit) +
                                 " bytes for the InvokeFunction operation",
                             rid));
  // The invocation's request id, as AWS answers it in x-amzn-RequestId and the logs show it.
  const std::string invocation_id = new_uuid();
  HttpResponse res;
  res.operation = "Invoke";
  res.set_header("x-amzn-RequestId", invocation_id);
  if (type == "DryRun") {
    res.status = 204;
    return res;
  }
  const std::string* trace = request.header("X-Amzn-Trace-Id");
  const Lineage lineage = Lineage::from_trace_header(trace ? *trace : "");
  if (type == "Event") {
    OutboxEntry entry;
    entry.function = name;
    entry.payload = body.empty() ? "{}" : body;
    InvocationContext context{invocation_id, "invoke:Event", request.remote_ip, lineage.field()};
    context.trace = trace ? *trace : "";  // the caller's trace, continued
    entry.context = context.to_json();
    entry.created_ms = clock_.now_ms();
    entry.due_ms = entry.created_ms;
    if (Status s = outbox_.enqueue({entry}); !s)
      return fail(lambda_error(500, "ServiceException", s.message(), rid));
    res.status = 202;
    return res;
  }

  auto fn = functions_.find(name);
  if (!fn) return fail(not_found(name, region_, rid));  // deleted since it was resolved
  if (recursion_stops(*fn, lineage))
    return fail(lambda_error(400, "RecursiveInvocationException",
                             "Recursive invocation of " + name + " was stopped after " +
                                 std::to_string(kMaxRecursiveInvocations) + " invocations.",
                             rid));
  InvokeResult result =
      invoker_.run(invocation_of(*fn, body, invocation_id, "invoke:RequestResponse", lineage, trace ? *trace : ""));
  if (result.outcome == Outcome::Throttled)
    return fail(lambda_error(429, "TooManyRequestsException", "Rate Exceeded.", rid,
                             Json{{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"}}));
  res.status = 200;
  res.set_header("X-Amz-Executed-Version", "$LATEST");
  if (result.outcome != Outcome::Success) res.set_header("X-Amz-Function-Error", "Unhandled");
  if (result.payload.size() > kSyncPayloadLimit) {
    res.set_header("X-Amz-Function-Error", "Unhandled");
    result.payload = to_text(Json{{"errorMessage", "Response payload size exceeded maximum allowed "
                                                   "payload size (" + std::to_string(kSyncPayloadLimit) + " bytes)."},
                                  {"errorType", "Function.ResponseSizeTooLarge"}});
  }
  const std::string* log_type = request.header("X-Amz-Log-Type");
  if (log_type && *log_type == "Tail") {
    const std::string& log = result.log;
    res.set_header("X-Amz-Log-Result",
                   base64_encode(log.size() > 4096 ? log.substr(log.size() - 4096) : log));
  }
  res.set_header("Content-Type", "application/json");
  res.body = std::move(result.payload);
  return res;
}

HttpResponse LambdaApi::event_invoke_config(const HttpRequest& request, const std::string& name,
                                            const std::string& body) {
  const std::string& rid = request.request_id;
  HttpResponse res;
  if (request.method == "GET") {
    auto fn = functions_.find(name);
    if (!fn) return not_found(name, region_, rid);
    if (!fn->async.configured)
      res = lambda_error(404, "ResourceNotFoundException",
                         "The function " + function_arn(*fn) +
                             ":$LATEST doesn't have an EventInvokeConfig",
                         rid);
    else
      res = json_response(200, event_invoke_config_json(*fn), rid);
    res.operation = "GetFunctionEventInvokeConfig";
    return res;
  }
  if (request.method == "DELETE") {
    if (auto changed = functions_.update(name, [](FunctionConfig& f) { f.async = AsyncConfig{}; }); !changed)
      return change_failed(changed.error(), name, region_, rid);
    res.status = 204;
    res.set_header("x-amzn-RequestId", rid);
    res.operation = "DeleteFunctionEventInvokeConfig";
    return res;
  }
  if (request.method != "PUT" && request.method != "POST")
    return lambda_error(405, "UnknownOperationException", "Unsupported method", rid);
  const char* operation = request.method == "PUT" ? "PutFunctionEventInvokeConfig"
                                                  : "UpdateFunctionEventInvokeConfig";
  Json j = Json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!j.is_object())
    return lambda_error(400, "InvalidRequestContentException", "Could not parse request body into json", rid);
  auto current = functions_.find(name);
  if (!current) return not_found(name, region_, rid);
  // PUT replaces the whole configuration; POST (Update) changes only what it names.
  AsyncConfig next = request.method == "PUT" ? AsyncConfig{} : current->async;
  if (j.contains("MaximumRetryAttempts")) {
    if (!j["MaximumRetryAttempts"].is_number_integer())
      return lambda_error(400, "InvalidParameterValueException", "MaximumRetryAttempts must be an integer", rid);
    long long v = j["MaximumRetryAttempts"].get<long long>();
    if (v < 0 || v > 2)
      return lambda_error(400, "ValidationException", range_error("maximumRetryAttempts", v, 0, 2), rid);
    next.maximum_retry_attempts = static_cast<int>(v);
  }
  if (j.contains("MaximumEventAgeInSeconds")) {
    if (!j["MaximumEventAgeInSeconds"].is_number_integer())
      return lambda_error(400, "InvalidParameterValueException", "MaximumEventAgeInSeconds must be an integer", rid);
    long long v = j["MaximumEventAgeInSeconds"].get<long long>();
    if (v < 60 || v > 21600)
      return lambda_error(400, "ValidationException", range_error("maximumEventAgeInSeconds", v, 60, 21600), rid);
    next.maximum_event_age_seconds = static_cast<int>(v);
  }
  if (j.contains("DestinationConfig") && j["DestinationConfig"].is_object()) {
    const Json& dc = j["DestinationConfig"];
    auto read = [&](const char* member, Destination& out) -> std::optional<std::string> {
      if (!dc.contains(member)) return std::nullopt;
      const Json& d = dc[member];
      if (!d.is_object() || (d.contains("Destination") && !d["Destination"].is_string()))
        return std::string(member) + ".Destination must be a string";
      std::string arn = d.value("Destination", "");
      out.arn = arn;
      if (arn.empty()) return std::nullopt;
      if (out.is_bucket()) {
        if (std::string(member) == "OnSuccess") return std::string("S3 destinations are supported for OnFailure only");
        if (!buckets_.find_bucket(out.bucket())) return "bucket " + out.bucket() + " does not exist";
        return std::nullopt;
      }
      std::string target = functions_.resolve(arn);
      if (target.empty()) return "destination " + arn + " is not a function of this emulator or an S3 bucket";
      if (target == name) return std::string("You can't specify the function as a destination for itself.");
      return std::nullopt;
    };
    for (const char* member : {"OnSuccess", "OnFailure"}) {
      Destination& d = std::string(member) == "OnSuccess" ? next.on_success : next.on_failure;
      if (auto problem = read(member, d)) {
        auto describe = [](const Destination& x, const char* kind) {
          return x.arn.empty() ? std::string("null") : std::string(kind) + "(destination=" + x.arn + ")";
        };
        std::string message =
            problem->starts_with("You can't")
                ? *problem
                : "The provided destination config DestinationConfig(onSuccess=" +
                      describe(next.on_success, "OnSuccess") + ", onFailure=" +
                      describe(next.on_failure, "OnFailure") + ") is invalid. (" + *problem + ")";
        return lambda_error(400, "InvalidParameterValueException", message, rid);
      }
    }
  }
  next.configured = true;
  next.last_modified_s = static_cast<double>(clock_.now_ms()) / 1000.0;
  auto changed = functions_.update(name, [&](FunctionConfig& f) { f.async = next; });
  if (!changed) return change_failed(changed.error(), name, region_, rid);
  res = json_response(200, event_invoke_config_json(*changed), rid);
  res.operation = operation;
  return res;
}

HttpResponse LambdaApi::concurrency(const HttpRequest& request, const std::string& name,
                                    const std::string& body) {
  const std::string& rid = request.request_id;
  HttpResponse res;
  if (request.method == "GET") {
    auto fn = functions_.find(name);
    if (!fn) return not_found(name, region_, rid);
    res = json_response(200,
                        fn->reserved_concurrency
                            ? Json{{"ReservedConcurrentExecutions", *fn->reserved_concurrency}}
                            : Json::object(),
                        rid);
    res.operation = "GetFunctionConcurrency";
    return res;
  }
  if (request.method == "DELETE") {
    if (auto changed = functions_.update(name, [](FunctionConfig& f) { f.reserved_concurrency.reset(); });
        !changed)
      return change_failed(changed.error(), name, region_, rid);
    res.status = 204;
    res.set_header("x-amzn-RequestId", rid);
    res.operation = "DeleteFunctionConcurrency";
    return res;
  }
  Json j = Json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!j.is_object() || !j.contains("ReservedConcurrentExecutions") ||
      !j["ReservedConcurrentExecutions"].is_number_integer())
    return lambda_error(400, "InvalidParameterValueException",
                        "ReservedConcurrentExecutions must be an integer", rid);
  long long v = j["ReservedConcurrentExecutions"].get<long long>();
  if (v < 0 || v > 1000)
    return lambda_error(400, "ValidationException",
                        range_error("reservedConcurrentExecutions", v, 0, 1000), rid);
  if (auto changed = functions_.update(name, [&](FunctionConfig& f) { f.reserved_concurrency = static_cast<int>(v); });
      !changed)
    return change_failed(changed.error(), name, region_, rid);
  res = json_response(200, Json{{"ReservedConcurrentExecutions", v}}, rid);
  res.operation = "PutFunctionConcurrency";
  return res;
}

HttpResponse LambdaApi::recursion_config(const HttpRequest& request, const std::string& name,
                                         const std::string& body) {
  const std::string& rid = request.request_id;
  HttpResponse res;
  if (request.method == "PUT") {
    Json j = Json::parse(body.empty() ? "{}" : body, nullptr, false);
    std::string mode = j.is_object() && j.contains("RecursiveLoop") && j["RecursiveLoop"].is_string()
                           ? j["RecursiveLoop"].get<std::string>()
                           : "";
    if (mode != "Allow" && mode != "Terminate")
      return lambda_error(400, "ValidationException",
                          "1 validation error detected: Value '" + mode +
                              "' at 'recursiveLoop' failed to satisfy constraint: Member must "
                              "satisfy enum value set: [Terminate, Allow]",
                          rid);
    if (auto changed = functions_.update(name, [&](FunctionConfig& f) { f.recursive_loop_allowed = mode == "Allow"; });
        !changed)
      return change_failed(changed.error(), name, region_, rid);
    res.operation = "PutFunctionRecursionConfig";
  } else {
    res.operation = "GetFunctionRecursionConfig";
  }
  auto fn = functions_.find(name);
  if (!fn) return not_found(name, region_, rid);
  HttpResponse out = json_response(
      200, Json{{"RecursiveLoop", fn->recursive_loop_allowed ? "Allow" : "Terminate"}}, rid);
  out.operation = res.operation;
  return out;
}

}  // namespace bf
