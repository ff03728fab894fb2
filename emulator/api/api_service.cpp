#include "emulator/api/api_service.h"

#include "emulator/api/payload_v2.h"
#include "emulator/auth/verify.h"
#include "emulator/base/uuid.h"
#include "emulator/events/lineage.h"
#include "emulator/s3/router.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"

namespace bf {

namespace {

class Collector final : public BodySink {
 public:
  Collector(ApiService& api, const HttpRequest& request) : api_(api), request_(request) {}
  std::optional<HttpResponse> write(std::string_view bytes) override {
    if (body_.size() + bytes.size() > kApiPayloadLimit) return gateway_error(413, "Request Entity Too Large");
    body_.append(bytes);
    return std::nullopt;
  }
  HttpResponse finish() override { return api_.handle(request_, body_); }
  bool finish_waits() const override { return true; }  // a function runs

 private:
  ApiService& api_;
  const HttpRequest& request_;
  std::string body_;
};

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

ApiService::ApiService(RouteTable routes, const FunctionRegistry& functions, Invoker& invoker,
                       const CredentialStore& credentials, const Clock& clock, std::string region)
    : routes_(std::move(routes)), functions_(functions), invoker_(invoker),
      credentials_(credentials), clock_(clock), region_(std::move(region)) {}

Dispatch ApiService::begin(const HttpRequest& request) {
  Dispatch d;
  d.sink = std::make_unique<Collector>(*this, request);
  return d;
}

HttpResponse ApiService::handle(const HttpRequest& request, const std::string& body) {
  HttpResponse res = request.target.starts_with(kFunctionUrlPrefix) ? function_url(request, body)
                                                                     : route(request, body);
  res.set_header("apigw-requestid", request.request_id);
  if (res.operation.empty()) res.operation = "HttpApi";
  return res;
}

HttpResponse ApiService::call(const FunctionConfig& fn, const Json& event, const std::string& trigger) {
  InvokeRequest req;
  req.function = fn;
  req.payload = to_text(event);
  req.request_id = new_uuid();
  req.trigger = trigger;
  req.trace_header = new_trace_header(Lineage().with_invocation_of(fn.name));
  InvokeResult result = invoker_.run(std::move(req));
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

HttpResponse ApiService::route(const HttpRequest& request, const std::string& body) {
  std::string path = decoded_path(request.target).substr(std::string(kApiPrefix).size());
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
  HttpResponse res = call(*fn, payload_v2_event(request, body, ctx), "api:" + ctx.route_key);
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
  PayloadContext ctx;
  ctx.raw_path = path;
  ctx.api_id = function_url_id(name);
  ctx.domain_name = ctx.api_id + ".lambda-url." + region_ + ".on.aws";
  ctx.time_ms = clock_.now_ms();
  if (*fn->url_auth == "AWS_IAM") {
    // SigV4 with service "lambda", checked by the same verifier as every other request.
    auto routed = route_s3(request, RouterOptions{});
    if (std::holds_alternative<S3Error>(routed)) return gateway_error(403, "Forbidden");
    AuthSettings settings{credentials_, clock_, region_, "lambda", sha256_hex(body)};
    auto auth = authenticate(request, std::get<Endpoint>(routed), settings);
    if (std::holds_alternative<S3Error>(auth)) {
      HttpResponse denied = gateway_error(403, "Forbidden");
      denied.body = to_text(Json{{"Message", "Forbidden"}});
      return denied;
    }
    const Credentials* who = std::get<AuthResult>(auth).principal;
    ctx.authorizer = Json{{"iam",
                           {{"accessKey", who->access_key},
                            {"accountId", ctx.account_id},
                            {"callerId", "AIDA" + who->principal},
                            {"cognitoIdentity", nullptr},
                            {"principalOrgId", nullptr},
                            {"userArn", "arn:aws:iam::" + ctx.account_id + ":user/" + who->principal},
                            {"userId", "AIDA" + who->principal}}}};
  }
  HttpResponse res = call(*fn, payload_v2_event(request, body, ctx), "url");
  res.operation = "FunctionUrl " + name;
  return res;
}

}  // namespace bf
