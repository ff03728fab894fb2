// The Lambda REST API on the emulator's port: Invoke (RequestResponse, Event, DryRun), the
// function read APIs, event-invoke config, reserved concurrency and recursion config.
// Requests are SigV4-verified with service "lambda"; errors are Lambda's JSON errors.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/http/message.h"
#include "emulator/lambda/external_runtime.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invoker.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"
#include "emulator/store/outbox.h"
#include "sdk/json.h"

namespace bf {

inline constexpr std::size_t kSyncPayloadLimit = 6 * 1024 * 1024;   // 6 MB request/response
inline constexpr std::size_t kAsyncPayloadLimit = 1024 * 1024;      // 1 MB since Oct 2025
inline constexpr std::size_t kCodeUploadLimit = 70 * 1024 * 1024;   // a 50 MB zip, base64

// True for paths the Lambda API owns ("/2015-03-31/functions...", ...).
bool is_lambda_api_path(const HttpRequest& request);

// GetFunctionConfiguration's document for a function.
Json function_configuration_json(const FunctionConfig& fn);

class LambdaApi final : public Service {
 public:
  // Of the store it uses the outbox (Event invocations), buckets (a destination bucket must
  // exist) and objects (code from S3Bucket/S3Key).
  LambdaApi(FunctionRegistry& functions, Invoker& invoker, Outbox& outbox, BucketStore& buckets,
            ObjectStore& objects, const Clock& clock, const CredentialStore& credentials,
            std::string region, ExternalRuntimes* external = nullptr,
            const Clock* signing_clock = nullptr);  // what signatures are checked against; null: real time
  Dispatch begin(const HttpRequest& request) override;
  HttpResponse failed(const HttpRequest& request) override;  // 500 ServiceException

  // Handles a whole request once its body is read (public for the body sink).
  HttpResponse handle(const HttpRequest& request, const std::string& body);

 private:
  // Lambda's 403 error when the signature does not verify.
  // Verifies the request's signature over a body with this SHA-256. With `head_only` (the body
  // has not arrived yet) a signature mismatch is not yet an answer: everything else is.
  // `region` (when given) gets the region the request was signed for.
  std::optional<HttpResponse> authenticate_request(const HttpRequest& request,
                                                   const std::string& body_sha256, bool head_only,
                                                   std::string* region = nullptr);
  HttpResponse invoke(const HttpRequest& request, const std::string& function,
                      const std::string& body);
  HttpResponse event_invoke_config(const HttpRequest& request, const std::string& function,
                                   const std::string& body);
  HttpResponse concurrency(const HttpRequest& request, const std::string& function,
                           const std::string& body);
  HttpResponse recursion_config(const HttpRequest& request, const std::string& function,
                                const std::string& body);
  // Function code (lambda_code_api.cpp): CreateFunction, UpdateFunctionCode, DeleteFunction.
  // `region`: the one the request was signed for, where the function will live.
  HttpResponse create_function(const HttpRequest& request, const std::string& body, const std::string& region);
  HttpResponse update_function_code(const HttpRequest& request, const std::string& function,
                                    const std::string& body);
  HttpResponse delete_function(const HttpRequest& request, const std::string& function);
  // Writes a package (from ZipFile or S3Bucket/S3Key) into the code folder; its path, or an
  // error response.
  std::variant<std::string, HttpResponse> save_package(const HttpRequest& request,
                                                       const std::string& function, const Json& code);

  FunctionRegistry& functions_;
  Invoker& invoker_;
  Outbox& outbox_;
  BucketStore& buckets_;
  ObjectStore& objects_;
  const Clock& clock_;
  const Clock& signing_clock_;
  const CredentialStore& credentials_;
  std::string region_;
  ExternalRuntimes* external_;
};

}  // namespace bf
