#include "emulator/s3/object_lambda_requests.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "emulator/http/body_pipe.h"
#include "emulator/s3/object_lambda_answers.h"
#include "emulator/s3/opaque_id.h"
#include "emulator/s3/s3_error.h"
#include "sdk/hash.h"
#include "sdk/object_lambda_event.h"
#include "sdk/signer.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr auto kObjectLambdaTimeout = std::chrono::seconds(60);  // AWS's limit for the function's answer
constexpr std::string_view kForwardedHeader = "x-amz-fwd-header-";

std::string random_hex(std::size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  for (std::size_t i = 0; i < digits; ++i) out += kHex[rng() & 15];
  return out;
}

// The port the client reached us on, from its Host header ("" when none was named).
std::string host_port(const HttpRequest& request) {
  const std::string* host = request.header("Host");
  if (!host) return "";
  const auto colon = host->rfind(':');
  if (colon == std::string::npos || host->find(']', colon) != std::string::npos) return "";
  return host->substr(colon + 1);
}

// The presigned request the function makes for the original through the supporting access
// point, by its alias and path style at 127.0.0.1, so a function reads it with any HTTP client
// and no name resolution: a GET or HEAD of the object, or the listing the client asked for.
std::string input_url(const HttpRequest& request, const Endpoint& endpoint, const AuthResult& auth,
                      const AccessPoint& supporting, const std::string& region, std::string_view operation) {
  const std::string port = host_port(request);
  OutgoingRequest input;
  input.method = operation == "HeadObject" ? "HEAD" : "GET";
  input.host = "127.0.0.1" + (port.empty() ? "" : ":" + port);
  const bool listing = operation == "ListObjects" || operation == "ListObjectsV2";
  input.path = "/" + supporting.alias + (listing ? "" : "/" + endpoint.key);
  for (const auto& [name, value] : endpoint.query)
    if (listing ? !name.starts_with("X-Amz-") : name == "versionId") input.query.emplace_back(name, value);
  const AwsCredentials credentials{auth.principal->access_key, auth.principal->secret_key, ""};
  return "http://" + input.host +
         presign_sigv4(input, credentials, region, "s3", std::chrono::system_clock::now(), std::chrono::hours(1));
}

// The event's context for each operation a transformation can serve.
const char* context_name(std::string_view operation) {
  if (operation == "HeadObject") return "headObjectContext";
  if (operation == "ListObjects") return "listObjectsContext";
  if (operation == "ListObjectsV2") return "listObjectsV2Context";
  return "getObjectContext";
}

std::string event_of(const ObjectLambdaWorld& world, const HttpRequest& request, const Endpoint& endpoint,
                     const AuthResult& auth, const ObjectLambdaAccessPoint& point, const AccessPoint& supporting,
                     const ObjectLambdaTransformation& transformation, const std::string& route,
                     const std::string& token) {
  ObjectLambdaEvent event;
  event.request_id = request.request_id;
  event.context = context_name(endpoint.operation);
  // The point lives in its supporting access point's region (its bucket's): the event's ARN
  // names it and the input URL is signed for it.
  std::string region = object_lambda_region(point);
  if (region.empty()) region = world.region;
  event.input_s3_url = input_url(request, endpoint, auth, supporting, region, endpoint.operation);
  event.output_route = route;
  event.output_token = token;
  event.access_point_arn = object_lambda_access_point_arn(region, world.account_id, point.name);
  event.supporting_access_point_arn = point.configuration.supporting_access_point;
  event.payload = transformation.function_payload;
  const std::string* host = request.header("Host");
  event.user_request_url = "http://" + (host ? *host : std::string("localhost")) + request.target;
  for (const auto& [name, value] : request.headers)
    if (!iequals(name, "Authorization")) event.user_request_headers.emplace_back(name, value);
  const std::string& principal = auth.principal->principal;
  event.user_identity = Json{{"type", "IAMUser"},
                             {"principalId", principal},
                             {"arn", "arn:aws:iam::" + world.account_id + ":user/" + principal},
                             {"accountId", world.account_id},
                             {"accessKeyId", auth.principal->access_key}};
  return to_text(event.to_json());
}

HttpResponse error_answer(std::string_view code, std::string message, const std::string& request_id) {
  S3Error e = s3_error(code, std::move(message));
  return error_response(e, request_id);
}

// The request's body is empty; its finish() runs the function (on a thread of its own, as the
// server runs a waiting finish) and waits for the function's answer: for GetObject its
// WriteGetObjectResponse (by `route`), for the others the JSON it returns.
class ObjectLambdaCallSink final : public BodySink {
 public:
  ObjectLambdaCallSink(ObjectLambdaRoutes& routes, ObjectLambdaInvoke invoke, std::string operation, std::string route,
                       std::shared_ptr<ObjectLambdaRoutes::Pending> pending, std::string function_arn, std::string event)
      : routes_(routes),
        invoke_(std::move(invoke)),
        operation_(std::move(operation)),
        route_(std::move(route)),
        pending_(std::move(pending)),
        function_arn_(std::move(function_arn)),
        event_(std::move(event)) {}

  std::optional<HttpResponse> write(std::string_view) override { return std::nullopt; }
  bool finish_waits() const override { return true; }

  HttpResponse finish() override {
    // The function keeps running after it has answered (it streams the body), so it runs on a
    // thread that outlives this call; the pending request outlives both.
    routes_.invocation_started();
    std::thread([&routes = routes_, invoke = invoke_, pending = pending_, arn = function_arn_, event = event_] {
      struct Ended {
        ObjectLambdaRoutes& routes;
        ~Ended() { routes.invocation_ended(); }
      } ended{routes};
      ObjectLambdaInvocation outcome = invoke(arn, event);
      std::lock_guard lock(pending->mu);
      pending->function_done = true;
      pending->outcome = std::move(outcome);
      pending->changed.notify_all();
    }).detach();
    HttpResponse answer = wait_for_answer();
    if (!route_.empty()) routes_.close(route_);
    answer.operation = operation_;
    return answer;
  }

 private:
  HttpResponse wait_for_answer() {
    std::unique_lock lock(pending_->mu);
    const bool answered = pending_->changed.wait_for(lock, kObjectLambdaTimeout,
                                                     [&] { return pending_->answered || pending_->function_done; });
    const std::string& rid = pending_->request_id;
    if (pending_->answered) return std::move(*pending_->head);
    if (!answered) return error_answer("LambdaTimeout", "The Lambda exceeded the maximum allowed time", rid);
    const ObjectLambdaInvocation& outcome = pending_->outcome;
    if (outcome.not_found) return error_answer("LambdaNotFound", "The AWS Lambda function was not found", rid);
    // The function's own timeout, shorter than Object Lambda's, ends it the same way.
    if (outcome.error_type == "Sandbox.Timedout")
      return error_answer("LambdaTimeout", "The Lambda exceeded the maximum allowed time", rid);
    if (!outcome.error_type.empty())
      return error_answer("LambdaRuntimeError",
                          "The Lambda function failed during execution: " + outcome.error_type + ": " +
                              outcome.error_message,
                          rid);
    if (operation_ != "GetObject") return object_lambda_answer(operation_, outcome.payload, rid);
    return error_answer("LambdaResponseNotReceived",
                        "The Lambda function exited without successfully calling WriteGetObjectResponse", rid);
  }

  ObjectLambdaRoutes& routes_;
  ObjectLambdaInvoke invoke_;
  std::string operation_;
  std::string route_;  // "" when the answer is the function's JSON
  std::shared_ptr<ObjectLambdaRoutes::Pending> pending_;
  std::string function_arn_;
  std::string event_;
};

// WriteGetObjectResponse's body, handed to the waiting GetObject's response as it arrives.
// A signed payload hash is checked as the bytes pass. The client's copy streams on before the
// end is known, less the latest piece, which waits for the next: a body that does not match
// then ends short of its length with the connection cut, so the client never takes it as
// whole, and the function gets S3's error.
class ForwardedBodySink final : public BodySink {
 public:
  ForwardedBodySink(std::shared_ptr<BodyPipe> pipe, std::string request_id, std::string signed_sha256)
      : pipe_(std::move(pipe)), request_id_(std::move(request_id)), signed_sha256_(std::move(signed_sha256)) {
    if (!signed_sha256_.empty()) sha256_.emplace(Digest::Kind::Sha256);
  }
  ~ForwardedBodySink() override {
    if (pipe_ && !closed_) pipe_->close(false);  // the function went away midway
  }
  std::optional<HttpResponse> write(std::string_view bytes) override {
    if (!sha256_) {
      if (pipe_) pipe_->write(bytes);
      return std::nullopt;
    }
    sha256_->update(bytes);
    if (pipe_ && !held_.empty()) pipe_->write(held_);
    held_.assign(bytes);
    return std::nullopt;
  }
  bool full() const override { return pipe_ && pipe_->full(); }
  void when_writable(std::function<void()> resume) override {
    if (pipe_)
      pipe_->when_writable(std::move(resume));
    else
      resume();
  }
  HttpResponse finish() override {
    closed_ = true;
    if (sha256_ && to_hex(sha256_->finish()) != signed_sha256_) {
      if (pipe_) pipe_->close(false);
      return error_answer("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
                          request_id_);
    }
    if (pipe_ && !held_.empty()) pipe_->write(held_);
    if (pipe_) pipe_->close(true);
    HttpResponse res;
    res.set_header("x-amz-request-id", request_id_);
    res.set_header("x-amz-id-2", request_id_);
    res.operation = "WriteGetObjectResponse";
    return res;
  }

 private:
  std::shared_ptr<BodyPipe> pipe_;  // null when the answer is an error: the body is dropped
  std::string request_id_;
  std::string signed_sha256_;     // hex; empty for an unsigned payload
  std::optional<Digest> sha256_;  // of the bytes so far, when one was signed
  std::string held_;              // the latest piece, passed on once the next one (or the end) is checked
  bool closed_ = false;
};

Dispatch answer_now(HttpResponse response, std::string operation) {
  response.operation = std::move(operation);
  Dispatch d;
  d.response = std::move(response);
  return d;
}

}  // namespace

std::pair<std::string, std::shared_ptr<ObjectLambdaRoutes::Pending>> ObjectLambdaRoutes::open(
    const std::string& request_id) {
  auto pending = std::make_shared<Pending>();
  pending->token = random_opaque_id(48);
  pending->request_id = request_id;
  std::string route = "io-" + random_hex(16);
  std::lock_guard lock(mu_);
  by_route_[route] = pending;
  return {route, pending};
}

std::shared_ptr<ObjectLambdaRoutes::Pending> ObjectLambdaRoutes::find(const std::string& route) const {
  std::lock_guard lock(mu_);
  auto it = by_route_.find(route);
  return it == by_route_.end() ? nullptr : it->second;
}

void ObjectLambdaRoutes::close(const std::string& route) {
  std::lock_guard lock(mu_);
  by_route_.erase(route);
}

void ObjectLambdaRoutes::invocation_started() {
  std::lock_guard lock(mu_);
  ++running_;
}

void ObjectLambdaRoutes::invocation_ended() {
  std::lock_guard lock(mu_);
  if (--running_ == 0) idle_.notify_all();
}

void ObjectLambdaRoutes::wait_for_invocations() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return running_ == 0; });
}

Dispatch object_lambda_call(const ObjectLambdaWorld& world, const HttpRequest& request, const Endpoint& endpoint,
                            const AuthResult& auth, const ObjectLambdaAccessPoint& point,
                            const AccessPoint& supporting, const ObjectLambdaTransformation& transformation) {
  const std::string& operation = endpoint.operation;
  const auto& features = point.configuration.allowed_features;
  // Without the feature AWS refuses a Range or partNumber as it refuses what it lacks (a real
  // access point answers 501 NotImplemented "Operation Not Implemented.").
  auto refused = [&](const char* parameter) {
    const std::string feature = operation + "-" + parameter;
    if (std::find(features.begin(), features.end(), feature) != features.end()) return std::optional<Dispatch>();
    return std::optional(
        answer_now(error_answer("NotImplemented", "Operation Not Implemented.", request.request_id), operation));
  };
  if (operation == "GetObject" || operation == "HeadObject") {
    if (request.header("Range"))
      if (auto d = refused("Range")) return std::move(*d);
    if (endpoint.query_param("partNumber"))
      if (auto d = refused("PartNumber")) return std::move(*d);
  }
  std::string route;
  std::shared_ptr<ObjectLambdaRoutes::Pending> pending;
  if (operation == "GetObject") {
    std::tie(route, pending) = world.routes.open(request.request_id);
  } else {
    pending = std::make_shared<ObjectLambdaRoutes::Pending>();
    pending->request_id = request.request_id;
  }
  std::string event =
      event_of(world, request, endpoint, auth, point, supporting, transformation, route, pending->token);
  Dispatch d;
  d.sink = std::make_unique<ObjectLambdaCallSink>(world.routes, world.invoke, operation, route, pending,
                                                  transformation.function_arn, std::move(event));
  return d;
}

bool is_write_get_object_response(const HttpRequest& request) {
  if (request.method != "POST" || !request.header("x-amz-request-route")) return false;
  std::string_view path = request.target;
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  return path.ends_with("/WriteGetObjectResponse");
}

Dispatch write_get_object_response(const ObjectLambdaWorld& world, const HttpRequest& request,
                                   const std::string& signed_sha256) {
  const std::string& rid = request.request_id;
  const std::string* route = request.header("x-amz-request-route");
  const std::string* token = request.header("x-amz-request-token");
  auto pending = route ? world.routes.find(*route) : nullptr;
  if (!pending || !token || *token != pending->token)
    return answer_now(error_answer("InvalidToken", "The provided token is malformed or otherwise invalid.", rid),
                      "WriteGetObjectResponse");
  std::unique_lock lock(pending->mu);
  if (pending->answered)
    return answer_now(error_answer("InvalidRequest", "WriteGetObjectResponse was already called for this request", rid),
                      "WriteGetObjectResponse");

  int status = 200;
  if (const std::string* fwd = request.header("x-amz-fwd-status")) {
    const auto parsed = parse_decimal(*fwd, 599);
    if (!parsed || *parsed < 200)
      return answer_now(error_answer("InvalidArgument", "x-amz-fwd-status must be an HTTP status code", rid),
                        "WriteGetObjectResponse");
    status = static_cast<int>(*parsed);
  }
  const std::string* error_code = request.header("x-amz-fwd-error-code");
  std::shared_ptr<BodyPipe> pipe;
  HttpResponse head;
  if (status >= 400 && error_code) {
    // The function answers with an error: the client gets it as S3 words its errors.
    const std::string* message = request.header("x-amz-fwd-error-message");
    S3Error e = s3_error(*error_code, message ? *message : "");
    e.status = status;
    head = error_response(e, pending->request_id);
  } else {
    head.status = status;
    for (const auto& [name, value] : request.headers) {
      if (name.size() > kForwardedHeader.size() && iequals(name.substr(0, kForwardedHeader.size()), kForwardedHeader))
        head.set_header(name.substr(kForwardedHeader.size()), value);
      else if (ascii_lower(name).starts_with("x-amz-meta-"))
        head.set_header(name, value);
    }
    head.set_header("x-amz-request-id", pending->request_id);
    head.set_header("x-amz-id-2", pending->request_id);
    pipe = std::make_shared<BodyPipe>();
    std::optional<std::uint64_t> length;
    if (request.content_length && !request.header("Transfer-Encoding")) length = *request.content_length;
    head.body = PipedBody{pipe, length};
    if (!request.has_body) pipe->close(true);
  }
  head.operation = "GetObject";
  pending->head = std::move(head);
  pending->answered = true;
  pending->changed.notify_all();
  lock.unlock();

  auto sink = std::make_unique<ForwardedBodySink>(std::move(pipe), rid, signed_sha256);
  Dispatch d;
  if (!request.has_body) {
    d.response = sink->finish();
    return d;
  }
  d.sink = std::move(sink);
  return d;
}

}  // namespace bf
