// The front door on the emulator's port: HTTP API routes under /_api/ and Lambda Function URLs
// under /_url/<function>/, both calling the function synchronously with payload format 2.0.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "emulator/api/authorizer.h"
#include "emulator/api/decision_cache.h"
#include "emulator/api/payload_v2.h"
#include "emulator/api/route_table.h"
#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/base/usage_meter.h"
#include "emulator/http/message.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invoker.h"

namespace bf {

inline constexpr const char* kApiPrefix = "/_api";
inline constexpr const char* kFunctionUrlPrefix = "/_url/";
inline constexpr std::size_t kApiPayloadLimit = 10 * 1024 * 1024;  // HTTP API: 10 MB

bool is_api_path(const HttpRequest& request);

class ApiService final : public Service {
 public:
  ApiService(RouteTable routes, std::map<std::string, Authorizer> authorizers,
             const FunctionRegistry& functions, Invoker& invoker, const CredentialStore& credentials,
             const Clock& clock, std::string region);
  Dispatch begin(const HttpRequest& request) override;
  HttpResponse failed(const HttpRequest& request) override;  // 500 {"message":"Internal Server Error"}
  // Where the requests the routes pass on are metered (optional).
  void set_meter(UsageMeter* meter) { meter_ = meter; }

  // The whole request, once its body is read (public for the body sink).
  HttpResponse handle(const HttpRequest& request, const std::string& body);
  // A route request whose path starts after `prefix` ("/_api", or "" on the API's own port).
  HttpResponse handle_route(const HttpRequest& request, const std::string& body,
                            const std::string& prefix);

  // The routes alone, at the root of a port of their own (`serve --api-port`).
  class RoutesOnly final : public Service {
   public:
    explicit RoutesOnly(ApiService& api) : api_(api) {}
    Dispatch begin(const HttpRequest& request) override;
    HttpResponse failed(const HttpRequest& request) override { return api_.failed(request); }

   private:
    ApiService& api_;
  };

 private:
  HttpResponse route(const HttpRequest& request, const std::string& body, const std::string& prefix);
  HttpResponse function_url(const HttpRequest& request, const std::string& body);
  // Runs the route's function in the trace of `request` (the gateway's segment as its caller).
  HttpResponse call(const HttpRequest& request, const FunctionConfig& fn, const Json& event,
                    const std::string& trigger, int gateway_timeout_s = 30);
  // Runs the route's authorizer: nullopt to go on (with `authorizer` filled), or the refusal.
  std::optional<HttpResponse> authorize(const Route& route, const HttpRequest& request,
                                        const std::string& body, PayloadContext& context);
  std::optional<HttpResponse> authorize_lambda(const Authorizer& a, const Route& route,
                                               const HttpRequest& request, const std::string& body,
                                               PayloadContext& context);

  RouteTable routes_;
  RateLimiter limiter_;
  std::map<std::string, Authorizer> authorizers_;
  DecisionCache decisions_;  // by authorizer and identity
  const FunctionRegistry& functions_;
  Invoker& invoker_;
  const CredentialStore& credentials_;
  const Clock& clock_;
  std::string region_;
  UsageMeter* meter_ = nullptr;
};

// A Function URL's id: stable per function name (32 lowercase letters and digits, as AWS's).
std::string function_url_id(const std::string& function);

}  // namespace bf
