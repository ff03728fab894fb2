#include "emulator/api/api_service.h"

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <future>

#include "emulator/api/payload_v2.h"
#include "emulator/auth/verify.h"
#include "emulator/http/buffered_body.h"
#include "emulator/http/target.h"
#include "emulator/lambda/lineage.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

// The request's body, gathered for `finish` (which runs a function, so off the I/O threads).
std::unique_ptr<BodySink> gathered_body(std::function<HttpResponse(const std::string&)> finish) {
  return std::make_unique<BufferedBody>(
      kApiPayloadLimit,
      BufferedBody::Answers{std::move(finish), [] { return gateway_error(413, "Request Entity Too Large"); },
                            [](const std::string&) { return gateway_error(429, "Too Many Requests"); }});
}

std::string decoded_path(const std::string& target) {
  std::string path;
  sigv4::uri_decode(target.substr(0, target.find('?')), path);
  return path;
}

}  // namespace

bool is_api_path(const HttpRequest& request) {
  const std::string& t = request.target;
  return t == kApiPrefix || t.starts_with(std::string(kApiPrefix) + "/") ||
         t.starts_with(std::string(kApiPrefix) + "?") || t.starts_with(kFunctionUrlPrefix);
}

std::string function_url_id(const std::string& function) {
  return sha256_hex("bucketfire-url:" + function).substr(0, 32);
}

ApiService::ApiService(RouteTable routes, std::map<std::string, Authorizer> authorizers,
                       const FunctionRegistry& functions, Invoker& invoker,
                       const CredentialStore& credentials, const Clock& clock, std::string region)
    : routes_(std::move(routes)), authorizers_(std::move(authorizers)), functions_(functions),
      invoker_(invoker), credentials_(credentials), clock_(clock), region_(std::move(region)) {}

namespace {

// The value an identity source names, or nullopt when the request lacks it.
std::optional<std::string> identity_value(const std::string& source, const HttpRequest& request) {
  const std::string header = "$request.header.";
  const std::string query = "$request.querystring.";
  if (source.starts_with(header)) {
    if (const auto* v = request.header(source.substr(header.size()))) return *v;
    return std::nullopt;
  }
  if (source.starts_with(query)) {
    const auto question = request.target.find('?');
    if (question == std::string::npos) return std::nullopt;
    sigv4::Params params;
    parse_query(request.target.substr(question + 1), params);
    for (const auto& [k, v] : params)
      if (k == source.substr(query.size())) return v;
  }
  return std::nullopt;
}

// JWT claims as HTTP APIs pass them: strings, numbers as text, arrays as "[a b]".
Json claims_as_strings(const Json& claims) {
  Json out = Json::object();
  for (const auto& [k, v] : claims.items()) {
    if (v.is_string()) {
      out[k] = v;
    } else if (v.is_array()) {
      std::string joined;
      for (const auto& item : v) joined += (joined.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : to_text(item));
      out[k] = "[" + joined + "]";
    } else {
      out[k] = to_text(v);
    }
  }
  return out;
}

}  // namespace

std::optional<HttpResponse> ApiService::authorize(const Route& route, const HttpRequest& request,
                                                  const std::string& body, PayloadContext& ctx) {
  if (route.authorizer.empty()) return std::nullopt;
  auto it = authorizers_.find(route.authorizer);
  if (it == authorizers_.end()) return gateway_error(500, "Internal Server Error");
  const Authorizer& a = it->second;
  if (a.type == "lambda") return authorize_lambda(a, route, request, body, ctx);
  auto token = identity_value(a.identity_sources.front(), request);
  if (!token) {
    std::fprintf(stdout, "bucketfire: %s %s refused by authorizer %s: no token\n", request.method.c_str(),
                 ctx.raw_path.c_str(), route.authorizer.c_str());
    return gateway_error(401, "Unauthorized");
  }
  std::string jwt = *token;
  if (jwt.starts_with("Bearer ") || jwt.starts_with("bearer ")) jwt = jwt.substr(7);
  JwtResult result = verify_jwt(jwt, a.jwt, real_clock().now_ms() / 1000);
  if (!result.ok) {
    std::fprintf(stdout, "bucketfire: %s %s refused by authorizer %s: %s\n", request.method.c_str(),
                 ctx.raw_path.c_str(), route.authorizer.c_str(), result.error.c_str());
    std::fflush(stdout);
    HttpResponse res = gateway_error(401, "Unauthorized");
    res.set_header("www-authenticate", "Bearer");
    return res;
  }
  if (!route.scopes.empty()) {
    bool granted = false;
    for (const auto& need : route.scopes)
      for (const auto& have : result.scopes) granted = granted || need == have;
    if (!granted) {
      std::fprintf(stdout, "bucketfire: %s %s refused by authorizer %s: missing scope\n",
                   request.method.c_str(), ctx.raw_path.c_str(), route.authorizer.c_str());
      std::fflush(stdout);
      return gateway_error(403, "Forbidden");
    }
  }
  Json scopes = result.scopes.empty() ? Json(nullptr) : Json(result.scopes);
  ctx.authorizer = Json{{"jwt", {{"claims", claims_as_strings(result.claims)}, {"scopes", scopes}}}};
  return std::nullopt;
}

HttpResponse ApiService::failed(const HttpRequest&) {
  HttpResponse res = gateway_error(500, "Internal Server Error");
  res.operation = "HttpApi";
  return res;
}

std::optional<HttpResponse> ApiService::authorize_lambda(const Authorizer& a, const Route& route,
                                                         const HttpRequest& request,
                                                         const std::string& body, PayloadContext& ctx) {
  Json identity = Json::array();
  std::string cache_key = route.authorizer;
  for (const auto& source : a.identity_sources) {
    auto v = identity_value(source, request);
    if (!v) return gateway_error(401, "Unauthorized");
    identity.push_back(*v);
    cache_key += "\n" + *v;
  }
  const std::int64_t now = clock_.now_ms();
  std::optional<AuthorizerDecision> decision;
  if (a.ttl_seconds > 0) decision = decisions_.find(cache_key, now);
  if (!decision) {
    auto fn = functions_.find(a.function);
    if (!fn) return gateway_error(500, "Internal Server Error");
    Json event = payload_v2_event(request, body, ctx);
    Json auth_event{{"version", "2.0"},
                    {"type", "REQUEST"},
                    {"routeArn", "arn:aws:execute-api:" + region_ + ":" + ctx.account_id + ":" + ctx.api_id +
                                     "/$default/" + request.method + ctx.raw_path},
                    {"identitySource", identity}};
    for (const auto& [k, v] : event.items())
      if (k != "version" && k != "body" && k != "isBase64Encoded") auth_event[k] = v;
    InvokeResult result =
        invoker_.run(invocation_of(*fn, to_text(auth_event), new_uuid(), "authorizer:" + route.authorizer));
    if (result.outcome != Outcome::Success) return gateway_error(500, "Internal Server Error");
    Json answer = Json::parse(result.payload, nullptr, false);
    if (!answer.is_object() || !answer.contains("isAuthorized") || !answer["isAuthorized"].is_boolean())
      return gateway_error(500, "Internal Server Error");
    decision = AuthorizerDecision{now + a.ttl_seconds * 1000LL, answer["isAuthorized"].get<bool>(),
                                  answer.value("context", Json::object())};
    if (a.ttl_seconds > 0) decisions_.remember(cache_key, *decision, now);
  }
  if (!decision->allowed) {
    std::fprintf(stdout, "bucketfire: %s %s refused by authorizer %s\n", request.method.c_str(),
                 ctx.raw_path.c_str(), route.authorizer.c_str());
    std::fflush(stdout);
    return gateway_error(403, "Forbidden");
  }
  ctx.authorizer = Json{{"lambda", decision->context}};
  return std::nullopt;
}

Dispatch ApiService::begin(const HttpRequest& request) {
  Dispatch d;
  d.sink = gathered_body([this, &request](const std::string& body) { return handle(request, body); });
  return d;
}

Dispatch ApiService::RoutesOnly::begin(const HttpRequest& request) {
  Dispatch d;
  d.sink = gathered_body([this, &request](const std::string& body) { return api_.handle_route(request, body, ""); });
  return d;
}

HttpResponse ApiService::handle(const HttpRequest& request, const std::string& body) {
  if (request.target.starts_with(kFunctionUrlPrefix)) {
    HttpResponse res = function_url(request, body);
    res.set_header("apigw-requestid", request.request_id);
    return res;
  }
  return handle_route(request, body, kApiPrefix);
}

HttpResponse ApiService::handle_route(const HttpRequest& request, const std::string& body,
                                      const std::string& prefix) {
  HttpResponse res = route(request, body, prefix);
  res.set_header("apigw-requestid", request.request_id);
  if (res.operation.empty()) res.operation = "HttpApi";
  return res;
}

HttpResponse ApiService::call(const HttpRequest& request, const FunctionConfig& fn, const Json& event,
                              const std::string& trigger, int gateway_timeout_s) {
  InvokeRequest req = invocation_of(fn, to_text(event), new_uuid(), trigger, {}, request.trace_header);
  // The gateway gives up at its integration timeout (the function itself runs on to its own).
  auto promise = std::make_shared<std::promise<InvokeResult>>();
  auto future = promise->get_future();
  invoker_.start(std::move(req), [promise](InvokeResult r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(gateway_timeout_s)) != std::future_status::ready)
    return gateway_error(503, "Service Unavailable");
  InvokeResult result = future.get();
  switch (result.outcome) {
    case Outcome::Success:
      return payload_v2_response(result.payload);
    case Outcome::Throttled:
      return gateway_error(429, "Too Many Requests");
    case Outcome::Timeout:
      return gateway_error(503, "Service Unavailable");
    case Outcome::FunctionError:
      break;
  }
  return gateway_error(500, "Internal Server Error");
}

HttpResponse ApiService::route(const HttpRequest& request, const std::string& body,
                              const std::string& prefix) {
  std::string path = decoded_path(request.target).substr(prefix.size());
  if (path.empty()) path = "/";
  auto match = routes_.match(request.method, path);
  if (!match) return gateway_error(404, "Not Found");
  auto fn = functions_.find(match->route->function);
  if (!fn) return gateway_error(500, "Internal Server Error");
  PayloadContext ctx;
  ctx.route_key = match->route->route_key;
  ctx.raw_path = path;
  ctx.path_parameters = match->path_parameters;
  ctx.api_id = "bucketfire";
  ctx.domain_name = "bucketfire.execute-api." + region_ + ".amazonaws.com";
  ctx.time_ms = clock_.now_ms();
  if (auto refusal = check_limits(match->route->limits, ctx.route_key, request, body, limiter_,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now().time_since_epoch()).count())) {
    std::fprintf(stdout, "bucketfire: %s %s from %s refused by rule %s of route %s\n", request.method.c_str(),
                 path.c_str(), request.remote_ip.c_str(), refusal->rule.c_str(), ctx.route_key.c_str());
    std::fflush(stdout);
    refusal->response.operation = "HttpApi " + ctx.route_key;
    return std::move(refusal->response);
  }
  if (auto refused = authorize(*match->route, request, body, ctx)) {
    refused->operation = "HttpApi " + ctx.route_key;
    return std::move(*refused);
  }
  // HTTP APIs bill each request they pass on, in increments of 512 KB of request.
  if (meter_) {
    constexpr std::size_t kIncrement = 512 * 1024;
    const std::size_t increments = std::max<std::size_t>(1, (body.size() + kIncrement - 1) / kIncrement);
    meter_->record("ApiGatewayHttpRequest", "ApiGatewayHttpApi",
                   "arn:aws:apigateway:" + region_ + "::/apis/" + ctx.api_id, static_cast<double>(increments));
  }
  HttpResponse res = call(request, *fn, payload_v2_event(request, body, ctx), "api:" + ctx.route_key,
                          match->route->limits.timeout_seconds);
  res.operation = "HttpApi " + ctx.route_key;
  return res;
}

HttpResponse ApiService::function_url(const HttpRequest& request, const std::string& body) {
  const std::string full = decoded_path(request.target);
  const std::string rest = full.substr(std::string(kFunctionUrlPrefix).size());
  const std::string name = rest.substr(0, rest.find('/'));
  std::string path = rest.size() > name.size() ? rest.substr(name.size()) : "/";
  auto fn = functions_.find(name);
  if (!fn || !fn->url_auth) return gateway_error(404, "Not Found");
  // CORS comes first, as on AWS: a preflight never reaches auth or the function.
  const std::string* origin = request.header("Origin");
  const UrlCors& cors = fn->url_cors;
  auto listed = [](const std::vector<std::string>& list, const std::string& value) {
    for (const auto& item : list)
      if (item == "*" || iequals(item, value)) return true;
    return false;
  };
  auto join = [](const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : ",") + item;
    return out;
  };
  const bool origin_allowed = cors.configured && origin && listed(cors.allow_origins, *origin);
  auto add_cors = [&](HttpResponse& res) {
    if (!origin_allowed) return;
    const bool any = !cors.allow_credentials &&
                     std::find(cors.allow_origins.begin(), cors.allow_origins.end(), "*") != cors.allow_origins.end();
    res.set_header("Access-Control-Allow-Origin", any ? "*" : *origin);
    if (cors.allow_credentials) res.set_header("Access-Control-Allow-Credentials", "true");
    if (!cors.expose_headers.empty()) res.set_header("Access-Control-Expose-Headers", join(cors.expose_headers));
    res.set_header("Vary", "Origin");
  };
  if (request.method == "OPTIONS" && origin && request.header("Access-Control-Request-Method")) {
    HttpResponse res;
    res.status = 200;
    res.operation = "FunctionUrl " + name;
    const std::string& method = *request.header("Access-Control-Request-Method");
    if (origin_allowed && listed(cors.allow_methods, method)) {
      add_cors(res);
      res.set_header("Access-Control-Allow-Methods", join(cors.allow_methods));
      if (const auto* asked = request.header("Access-Control-Request-Headers"))
        res.set_header("Access-Control-Allow-Headers",
                       listed(cors.allow_headers, "*") ? *asked : join(cors.allow_headers));
      if (cors.max_age) res.set_header("Access-Control-Max-Age", std::to_string(cors.max_age));
    }
    return res;
  }
  PayloadContext ctx;
  ctx.raw_path = path;
  ctx.api_id = function_url_id(name);
  ctx.domain_name = ctx.api_id + ".lambda-url." + region_ + ".on.aws";
  ctx.time_ms = clock_.now_ms();
  if (*fn->url_auth == "AWS_IAM") {
    // SigV4 with service "lambda", checked by the same verifier as every other request.
    const auto target = parse_target(request.target);
    if (!target) return gateway_error(403, "Forbidden");
    AuthSettings settings{credentials_, real_clock(), region_, "lambda", sha256_hex(body)};
    auto auth = authenticate(SignedRequest{request, *target}, settings);
    if (!auth) {
      HttpResponse denied = gateway_error(403, "Forbidden");
      denied.body = to_text(Json{{"Message", "Forbidden"}});
      return denied;
    }
    const Credentials* who = auth->principal;
    ctx.authorizer = Json{{"iam",
                           {{"accessKey", who->access_key},
                            {"accountId", ctx.account_id},
                            {"callerId", "AIDA" + who->principal},
                            {"cognitoIdentity", nullptr},
                            {"principalOrgId", nullptr},
                            {"userArn", "arn:aws:iam::" + ctx.account_id + ":user/" + who->principal},
                            {"userId", "AIDA" + who->principal}}}};
  }
  HttpResponse res = call(request, *fn, payload_v2_event(request, body, ctx), "url");
  add_cors(res);
  res.operation = "FunctionUrl " + name;
  return res;
}

}  // namespace bf
