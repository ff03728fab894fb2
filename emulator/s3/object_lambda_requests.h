// S3 Object Lambda's data plane. A GetObject through an Object Lambda access point runs the
// function its configuration names, synchronously, with AWS's event; the function answers with
// WriteGetObjectResponse (route and token from the event), whose status and headers become the
// GetObject's and whose body is streamed through to the waiting client as it arrives. A
// HeadObject or listing runs its function the same way and answers with the JSON it returns.
#pragma once
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "emulator/auth/credentials.h"
#include "emulator/auth/verify.h"
#include "emulator/http/message.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "emulator/s3/router.h"

namespace bf {

// How a function run ended: error_type is empty when it returned normally (with `payload`).
struct ObjectLambdaInvocation {
  std::string payload;
  std::string error_type;
  std::string error_message;
  bool not_found = false;
};
// Runs a function synchronously with an event (JSON text); the app provides it.
using ObjectLambdaInvoke = std::function<ObjectLambdaInvocation(const std::string& function_arn, const std::string& event)>;

// GetObject requests waiting for their function's WriteGetObjectResponse, by route.
class ObjectLambdaRoutes {
 public:
  struct Pending {
    std::string token;
    std::string request_id;  // the GetObject's
    std::mutex mu;
    std::condition_variable changed;
    std::optional<HttpResponse> head;  // set once, by WriteGetObjectResponse
    bool answered = false;             // WriteGetObjectResponse came
    bool function_done = false;
    ObjectLambdaInvocation outcome;
  };
  // A new route with its token, for the GetObject `request_id`.
  std::pair<std::string, std::shared_ptr<Pending>> open(const std::string& request_id);
  std::shared_ptr<Pending> find(const std::string& route) const;
  void close(const std::string& route);

  // Functions still running for Object Lambda (they go on streaming after the client has its
  // answer's head): what shuts down waits for them before taking the invoker away.
  void invocation_started();
  void invocation_ended();
  void wait_for_invocations();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Pending>> by_route_;
  std::condition_variable idle_;
  int running_ = 0;
};

struct ObjectLambdaWorld {
  ObjectLambdaRoutes& routes;
  const ObjectLambdaInvoke& invoke;
  const CredentialStore& credentials;
  std::string region;
  std::string account_id;
};

// A GetObject, HeadObject, ListObjects or ListObjectsV2 through `point` (already authenticated)
// that `transformation` serves: the function's answer (its WriteGetObjectResponse for
// GetObject, the JSON it returns for the others), or AWS's error when it fails, never answers,
// or takes longer than Object Lambda's 60 seconds.
Dispatch object_lambda_call(const ObjectLambdaWorld& world, const HttpRequest& request, const Endpoint& endpoint,
                           const AuthResult& auth, const ObjectLambdaAccessPoint& point,
                           const AccessPoint& supporting, const ObjectLambdaTransformation& transformation);

// POST /WriteGetObjectResponse with x-amz-request-route: S3 Object Lambda's answer channel.
bool is_write_get_object_response(const HttpRequest& request);
// The (authenticated) WriteGetObjectResponse: hands its head to the waiting GetObject and
// its body, as it arrives, to that GetObject's response. `signed_sha256`: the payload hash
// the signature covers (hex), empty for UNSIGNED-PAYLOAD.
Dispatch write_get_object_response(const ObjectLambdaWorld& world, const HttpRequest& request,
                                   const std::string& signed_sha256);

}  // namespace bf
