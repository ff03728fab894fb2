// S3 Object Lambda's data plane: a GetObject (or HeadObject, listing) through an Object Lambda
// access point, its Range/partNumber gating, and the WriteGetObjectResponse its function
// answers with (route and token checks, x-amz-fwd-status, x-amz-fwd-error-code/-message,
// x-amz-fwd-header-*, x-amz-meta-*, the body streamed through). The store holds bucket "fuzz"
// with access point "fuzz-ap", under Object Lambda access points "fuzz-ol" (no AllowedFeatures)
// and "fuzz-ol-all" (all four), every action transformed by an in-process function.
//
// The input is requests written as text (support.h) separated by lines "====". The first is
// the client's; when it runs the function (only the first invocation acts; later ones return
// without answering), the function sends the others, signed for s3-object-lambda, and a
// section "!error", "!timeout" or "!missing" ends it that way. Otherwise the others follow the
// first. "{ol}", "{ol-all}" and "{ap}" stand for the aliases; "{route}" and "{token}" for the
// GetObject's event, or else for a route opened beforehand that no client waits on.
//
// Bugs: a 5xx that is neither 501 nor one of Object Lambda's Lambda* errors; a status outside
// 200-599; a header carrying a line break; the client answered with other bytes than the
// WriteGetObjectResponse that answered it, or answered without one and without a Lambda* error.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "emulator/http/body_pipe.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "emulator/s3/object_lambda_requests.h"
#include "sdk/json.h"
#include "tests/fuzz/support.h"

namespace {

using bf::fuzz::fail;

constexpr const char* kAccount = "000000000000";
constexpr const char* kFunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:fuzz";
constexpr std::size_t kMaxSections = 16;

// What an HTTP connection can deliver: a header name of token characters, a value without
// CR, LF or NUL (the server's parser refuses any other head).
bool deliverable(const std::pair<std::string, std::string>& header) {
  if (header.first.empty()) return false;
  for (unsigned char c : header.first) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return header.second.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

std::string substituted(std::string_view section, const std::vector<std::pair<std::string, std::string>>& names) {
  std::string text(section);
  for (const auto& [placeholder, value] : names)
    for (std::size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  return text;
}

std::string text_at(const bf::Json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool lambda_error(const bf::HttpResponse& response) {
  const auto* text = std::get_if<std::string>(&response.body);
  return text && text->find("<Code>Lambda") != std::string::npos;
}

void check_status(const bf::HttpResponse& response) {
  if (response.status < 200 || response.status > 599) fail("not an HTTP status", &response);
  if (response.status >= 500 && response.status != 501 && !lambda_error(response))
    fail("a server error", &response);
}

void check_headers(const bf::HttpResponse& response) {
  for (const auto& [name, value] : response.headers)
    if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      fail("a header that breaks the response", &response);
}

// A GetObject's answer made from the WriteGetObjectResponse that carried `delivered` (its body),
// once that request has ended: the same bytes, whole, or the error the function forwarded.
void check_forwarded(const bf::HttpResponse& answer, const std::string& delivered) {
  if (answer.status < 200 || answer.status > 599) fail("a forwarded status outside 200-599", &answer);
  check_headers(answer);
  const auto* piped = std::get_if<bf::PipedBody>(&answer.body);
  if (!piped) {
    if (answer.status < 400) fail("a forwarded answer without the function's body", &answer);
    return;
  }
  std::string received;
  char buffer[4096];
  while (std::size_t n = piped->pipe->read(buffer, sizeof buffer)) received.append(buffer, n);
  if (!piped->pipe->finished() || piped->pipe->failed()) fail("the function's body did not end whole", &answer);
  if (received != delivered) fail("the client got other bytes than the function wrote", &answer);
  if (piped->length && *piped->length != received.size()) fail("a Content-Length the body does not have", &answer);
}

struct Fixture {
  Fixture();
  bf::HttpResponse send(std::string_view section, const std::string& route, const std::string& token,
                        const std::string& signing_service, std::optional<std::string>& delivered_to);
  bf::ObjectLambdaInvocation function(const std::string& event_text);

  bf::fuzz::FixedClock clock;
  bf::CredentialStore credentials;
  std::unique_ptr<bf::Store> store;
  std::unique_ptr<bf::AccessPoints> access_points;
  std::unique_ptr<bf::ObjectLambdaAccessPoints> object_lambda;
  bf::ObjectLambdaRoutes routes;
  bf::ObjectLambdaInvoke invoke;
  std::unique_ptr<bf::ObjectLambdaWorld> world;
  std::unique_ptr<bf::S3Service> service;
  std::vector<std::pair<std::string, std::string>> names;  // placeholder, what it stands for

  std::string standby_route;  // a route no client waits on
  std::shared_ptr<bf::ObjectLambdaRoutes::Pending> standby;
  std::vector<std::string_view> function_sections;
  std::atomic<bool> acting{false};  // the next invocation is the client's and acts

  // Written while a function runs, read once every invocation has ended.
  std::mutex mu;
  bool invoked = false;
  bool invoked_for_get = false;
  std::optional<std::string> delivered;          // the body that answered the client's GetObject
  std::optional<std::string> standby_delivered;  // the body that answered the standby route
};

Fixture::Fixture() {
  credentials.add({bf::fuzz::kAccessKey, bf::fuzz::kSecretKey, "default"});
  auto opened = bf::open_sqlite_store({":memory:", false});
  if (!opened) fail("cannot open an in-memory store");
  store = std::move(opened.value());
  access_points = std::make_unique<bf::AccessPoints>(store->documents(), kAccount);
  object_lambda =
      std::make_unique<bf::ObjectLambdaAccessPoints>(store->documents(), *access_points, kAccount);
  invoke = [this](const std::string&, const std::string& event) { return function(event); };
  world = std::make_unique<bf::ObjectLambdaWorld>(
      bf::ObjectLambdaWorld{routes, invoke, credentials, bf::fuzz::kRegion, kAccount});
  bf::FunctionLookup functions = [](const std::string& arn) -> std::optional<std::string> {
    if (arn == kFunctionArn) return bf::fuzz::kRegion;
    return std::nullopt;
  };
  service = std::make_unique<bf::S3Service>(
      bf::S3Context{store->buckets(), store->objects(), clock, bf::fuzz::kRegion, nullptr, functions, nullptr, &clock,
                    nullptr, access_points.get(), object_lambda.get(), world.get()},
      credentials);
  for (const char* text : {"PUT /fuzz\n\n", "PUT /fuzz/notes/hello.txt\nContent-Type: text/plain\n\nhello object lambda"}) {
    const bf::fuzz::TextRequest request = bf::fuzz::parse_text_request(text);
    bf::HttpResponse response = bf::fuzz::run(*service, bf::fuzz::sign(request, clock, "s3"), request.body);
    if (response.status != 200) fail("cannot create the fuzz bucket", &response);
  }

  bf::AccessPoint point;
  point.name = "fuzz-ap";
  point.bucket = "fuzz";
  auto made = access_points->create(point, true);
  const auto* supporting = std::get_if<bf::AccessPoint>(&made);
  if (!supporting) fail("cannot create the access point");
  names = {{"{ap}", supporting->alias}};
  for (const bool all_features : {false, true}) {
    bf::ObjectLambdaTransformation transformation;
    transformation.actions = {"GetObject", "HeadObject", "ListObjects", "ListObjectsV2"};
    transformation.function_arn = kFunctionArn;
    transformation.function_payload = R"({"mode": "fuzz"})";
    bf::ObjectLambdaAccessPoint ol;
    ol.name = all_features ? "fuzz-ol-all" : "fuzz-ol";
    ol.configuration.supporting_access_point = bf::access_point_arn(bf::fuzz::kRegion, kAccount, "fuzz-ap");
    if (all_features)
      ol.configuration.allowed_features = {"GetObject-Range", "GetObject-PartNumber", "HeadObject-Range",
                                           "HeadObject-PartNumber"};
    ol.configuration.transformations = {transformation};
    auto created = object_lambda->create(ol);
    const auto* made_ol = std::get_if<bf::ObjectLambdaAccessPoint>(&created);
    if (!made_ol) fail("cannot create the Object Lambda access point");
    names.emplace_back(all_features ? "{ol-all}" : "{ol}", made_ol->alias);
  }
  std::tie(standby_route, standby) = routes.open("STANDBY");
}

// Sends one request; the body of a WriteGetObjectResponse that is accepted goes to `delivered`
// (the first only: a route is answered once).
bf::HttpResponse Fixture::send(std::string_view section, const std::string& route, const std::string& token,
                               const std::string& signing_service, std::optional<std::string>& delivered_to) {
  auto all = names;
  all.emplace_back("{route}", route);
  all.emplace_back("{token}", token);
  bf::fuzz::TextRequest request = bf::fuzz::parse_text_request(substituted(section, all));
  std::erase_if(request.headers, [](const auto& header) { return !deliverable(header); });
  const bf::HttpRequest signed_request = bf::fuzz::sign(request, clock, signing_service);
  const bool answer_channel = bf::is_write_get_object_response(signed_request);
  bf::HttpResponse response = bf::fuzz::run(*service, signed_request, request.body);
  if (answer_channel && response.status == 200) {
    std::lock_guard lock(mu);
    if (!delivered_to) delivered_to = request.body;
  }
  return response;
}

// The in-process function: for the client's invocation, sends the sections after the first.
bf::ObjectLambdaInvocation Fixture::function(const std::string& event_text) {
  bf::ObjectLambdaInvocation outcome;
  outcome.payload = R"({"statusCode": 200})";
  if (!acting.exchange(false)) return outcome;  // not the client's: returns without answering
  const bf::Json event = bf::Json::parse(event_text, nullptr, false);
  const auto context = event.is_object() ? event.find("getObjectContext") : event.end();
  const bool get_object = context != event.end();
  {
    std::lock_guard lock(mu);
    invoked = true;
    invoked_for_get = get_object;
  }
  std::string route = standby_route;
  std::string token = standby->token;
  if (get_object) {
    route = text_at(*context, "outputRoute");
    token = text_at(*context, "outputToken");
  }
  for (std::string_view section : function_sections) {
    if (section == "!error") {
      outcome.error_type = "TransformFailed";
      outcome.error_message = "the transform failed";
      return outcome;
    }
    if (section == "!timeout") {
      outcome.error_type = "Sandbox.Timedout";
      outcome.error_message = "Task timed out after 1.00 seconds";
      return outcome;
    }
    if (section == "!missing") {
      outcome.not_found = true;
      return outcome;
    }
    bf::HttpResponse response = send(section, route, token, "s3-object-lambda", get_object ? delivered : standby_delivered);
    check_status(response);
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> sections;
  while (sections.size() < kMaxSections) {
    const std::size_t end = input.find("\n====\n");
    sections.push_back(input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 6);
  }
  Fixture f;
  f.function_sections.assign(sections.begin() + 1, sections.end());

  // The client's request; a function it runs sends the rest meanwhile.
  f.acting = true;
  const bf::HttpResponse answer = f.send(sections.front(), f.standby_route, f.standby->token, "s3", f.standby_delivered);
  f.acting = false;
  f.routes.wait_for_invocations();  // functions go on after the client has its answer's head

  std::unique_lock lock(f.mu);
  const bool invoked = f.invoked;
  const bool invoked_for_get = f.invoked_for_get;
  lock.unlock();
  if (!invoked) {
    check_status(answer);
    for (std::size_t i = 1; i < sections.size(); ++i) {
      if (sections[i].starts_with("!")) continue;
      check_status(f.send(sections[i], f.standby_route, f.standby->token, "s3-object-lambda", f.standby_delivered));
    }
    f.routes.wait_for_invocations();
  } else if (invoked_for_get) {
    lock.lock();
    const std::optional<std::string> delivered = f.delivered;
    lock.unlock();
    if (delivered) {
      check_forwarded(answer, *delivered);
    } else {
      check_headers(answer);
      if (answer.status < 400 || !lambda_error(answer))
        fail("a GetObject answered without WriteGetObjectResponse and without a Lambda error", &answer);
    }
  } else {
    if (answer.status < 200 || answer.status > 599) fail("not an HTTP status", &answer);
    check_headers(answer);
  }

  // The route nobody waited on: answered exactly when a WriteGetObjectResponse was accepted.
  lock.lock();
  const std::optional<std::string> standby_delivered = f.standby_delivered;
  lock.unlock();
  std::lock_guard standby_lock(f.standby->mu);
  if (f.standby->answered != standby_delivered.has_value()) fail("the standby route's answer and its writer disagree");
  if (f.standby->answered) check_forwarded(*f.standby->head, *standby_delivered);
  return 0;
}
