#include "emulator/lambda/execution_environment.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "emulator/http/buffered_body.h"
#include "emulator/http/server.h"
#include "emulator/lambda/host_prefixes.h"
#include "sdk/json.h"
#include "sdk/sigv4.h"

namespace bf {

namespace {

constexpr const char* kApiBase = "/2018-06-01/runtime";

HttpResponse api_reply(int status, const Json& body) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.body = to_text(body);
  return res;
}

// What a runtime may post as a function's response or error: Lambda's 6 MB response limit
// as the Runtime API counts it (6,291,556 bytes).
constexpr std::size_t kMaxPostedResult = 6 * 1024 * 1024 + 100;

// A posted response or error, gathered whole and handed to `done`.
std::unique_ptr<BodySink> posted_result(std::function<HttpResponse(const std::string&)> done) {
  return std::make_unique<BufferedBody>(kMaxPostedResult, BufferedBody::Answers{std::move(done), [] {
    return api_reply(413, Json{{"errorMessage", "payload too large"}, {"errorType", "RequestEntityTooLarge"}});
  }});
}

}  // namespace

ExternalResult error_result(const std::string& type, const std::string& message) {
  ExternalResult r;
  r.error_type = type;
  r.error_message = message;
  r.payload = to_text(Json{{"errorType", type}, {"errorMessage", message}});
  return r;
}

ExternalEnvironment::ExternalEnvironment(FunctionConfig fn, const ExternalSettings& settings,
                                         SdkSupportFiles sdk_files, InvocationLog& log, std::string version)
    : fn_(std::move(fn)),
      settings_(settings),
      sdk_files_(std::move(sdk_files)),
      log_(log),
      version_(std::move(version)) {}

ExternalEnvironment::~ExternalEnvironment() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  process_.kill();
  if (server_) server_->stop();
  if (server_thread_.joinable()) server_thread_.join();
}

bool ExternalEnvironment::alive() {
  std::lock_guard lock(mu_);
  return !exited_;
}

std::string ExternalEnvironment::start() {
  server_ = std::make_unique<HttpServer>(ServerOptions{"127.0.0.1", 0, 2}, *this, nullptr);
  std::uint16_t port = 0;
  try {
    port = server_->listen();
  } catch (const std::exception& e) {
    return std::string("cannot open a Runtime API endpoint: ") + e.what();
  }
  server_thread_ = std::thread([this] { server_->run(); });
  const std::string root = task_root();
  const std::string program = fn_.command.empty() ? root + "/bootstrap" : "/bin/sh";
  std::vector<std::string> args = fn_.command.empty() ? std::vector<std::string>{program}
                                                      : std::vector<std::string>{"sh", "-c", fn_.command};
  return process_.start(program, std::move(args), environment("127.0.0.1:" + std::to_string(port)), root,
                        RuntimeProcess::Callbacks{[this](const std::string& line) { emit(line); },
                                                  [this](const std::string& reason) { on_exit(reason); }});
}

bool ExternalEnvironment::runs(const std::string& request_id) {
  std::lock_guard lock(mu_);
  return pending_ && pending_->request_id == request_id;
}

void ExternalEnvironment::kill() { process_.kill(); }

void ExternalEnvironment::on_exit(const std::string& reason) {
  std::lock_guard lock(mu_);
  exited_ = true;
  exit_reason_ = reason;
  if (pending_ && !pending_->result) pending_->result = exit_result(pending_->request_id);
  cv_.notify_all();
}

ExternalResult ExternalEnvironment::run(const std::string& request_id, const std::string& payload,
                                        std::int64_t deadline_ms, const std::string& arn,
                                        const std::string& trace, LogSink& log) {
  std::unique_lock lock(mu_);
  if (exited_) return exit_result(request_id);
  pending_.emplace(Pending{request_id, payload, deadline_ms, arn, trace, &log});
  cv_.notify_all();
  cv_.wait(lock, [&] { return pending_->result.has_value() || exited_; });
  // What the process printed before answering belongs to this invocation's log: let the
  // reader take what is still in the pipe (bounded, in case the process keeps printing).
  const auto drain_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (!exited_ && std::chrono::steady_clock::now() < drain_until) {
    if (!process_.output_pending()) break;
    cv_.wait_for(lock, std::chrono::milliseconds(2));
  }
  ExternalResult result = pending_->result ? *pending_->result : exit_result(request_id);
  if (!exited_) result.max_memory_mb = process_.peak_memory_mb();
  pending_.reset();
  return result;
}

Dispatch ExternalEnvironment::begin(const HttpRequest& request) {
  Dispatch d;
  std::string path;
  sigv4::uri_decode(request.target.substr(0, request.target.find('?')), path);
  const std::string next = std::string(kApiBase) + "/invocation/next";
  const std::string prefix = std::string(kApiBase) + "/invocation/";
  if (request.method == "GET" && path == next) {
    d.response = next_invocation();
  } else if (request.method == "POST" && path == std::string(kApiBase) + "/init/error") {
    std::string type = request.header("Lambda-Runtime-Function-Error-Type")
                           ? *request.header("Lambda-Runtime-Function-Error-Type") : "Runtime.InitError";
    d.sink = posted_result([this, type](const std::string& body) {
      return post_result("", false, body, type, true);
    });
  } else if (request.method == "POST" && path.starts_with(prefix) &&
             (path.ends_with("/response") || path.ends_with("/error"))) {
    const bool ok = path.ends_with("/response");
    std::string id = path.substr(prefix.size(), path.rfind('/') - prefix.size());
    const std::string* type_header = request.header("Lambda-Runtime-Function-Error-Type");
    std::string type = type_header ? *type_header : "Unhandled";
    d.sink = posted_result([this, id, ok, type](const std::string& body) {
      return post_result(id, ok, body, type, false);
    });
  } else {
    d.response = api_reply(404, Json{{"errorMessage", "unknown Runtime API path " + path},
                                     {"errorType", "InvalidRequest"}});
  }
  return d;
}

HttpResponse ExternalEnvironment::next_invocation() {
  std::unique_lock lock(mu_);
  // Long poll: the runtime waits here until there is work (or the environment ends).
  cv_.wait(lock, [&] { return stopping_ || (pending_ && !pending_->delivered); });
  if (stopping_) return api_reply(500, Json{{"errorMessage", "the environment is shutting down"}});
  pending_->delivered = true;
  HttpResponse res;
  res.status = 200;
  res.set_header("Content-Type", "application/json");
  res.set_header("Lambda-Runtime-Aws-Request-Id", pending_->request_id);
  res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(pending_->deadline_ms));
  res.set_header("Lambda-Runtime-Invoked-Function-Arn", pending_->arn);
  res.set_header("Lambda-Runtime-Trace-Id", pending_->trace);
  res.body = pending_->payload.empty() ? "{}" : pending_->payload;
  return res;
}

HttpResponse ExternalEnvironment::post_result(const std::string& id, bool ok, const std::string& body,
                                              const std::string& type, bool init) {
  std::lock_guard lock(mu_);
  if (!init && (!pending_ || pending_->request_id != id || pending_->result))
    return api_reply(400, Json{{"errorMessage", "Invalid request ID"}, {"errorType", "InvalidRequestID"}});
  ExternalResult r;
  if (ok) {
    r.ok = true;
    r.payload = body;
  } else {
    // The error document the runtime posted; Lambda builds one from the header if it is not JSON.
    Json doc = Json::parse(body, nullptr, false);
    if (!doc.is_object()) doc = Json{{"errorMessage", body}, {"errorType", type}};
    r.error_type = doc.value("errorType", type);
    r.error_message = doc.value("errorMessage", "");
    r.payload = to_text(doc);
  }
  if (init) {
    init_error_ = r;
    if (pending_ && !pending_->result) pending_->result = r;
  } else {
    pending_->result = r;
  }
  cv_.notify_all();
  return api_reply(202, Json{{"status", "OK"}});
}

ExternalResult ExternalEnvironment::exit_result(const std::string& request_id) {
  if (init_error_) return *init_error_;
  return error_result("Runtime.ExitError", "RequestId: " + request_id +
                                               " Error: Runtime exited with error: " + exit_reason_);
}

std::vector<std::string> ExternalEnvironment::environment(const std::string& api) const {
  std::map<std::string, std::string> env;
  for (const char* keep : {"PATH", "HOME", "LANG", "PYTHONPATH", "NODE_PATH"})
    if (const char* v = std::getenv(keep)) env[keep] = v;
  env.emplace("LANG", "en_US.UTF-8");
  env["TZ"] = ":UTC";
  for (const auto& [k, v] : fn_.environment) env[k] = v;
  add_host_prefix_settings(env, sdk_files_);
  // Lambda's reserved variables win over the function's own.
  env["AWS_LAMBDA_RUNTIME_API"] = api;
  env["_HANDLER"] = fn_.handler;
  env["LAMBDA_TASK_ROOT"] = task_root();
  env["LAMBDA_RUNTIME_DIR"] = task_root();
  env["AWS_LAMBDA_FUNCTION_NAME"] = fn_.name;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(fn_.memory_mb);
  env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + fn_.name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = "$LATEST";
  // The region the function lives in, as Lambda sets it.
  const std::string& region = fn_.region.empty() ? settings_.region : fn_.region;
  env["AWS_REGION"] = region;
  env["AWS_DEFAULT_REGION"] = region;
  env["AWS_ACCESS_KEY_ID"] = settings_.access_key;
  env["AWS_SECRET_ACCESS_KEY"] = settings_.secret_key;
  env["AWS_SESSION_TOKEN"] = "";
  if (!settings_.endpoint_url.empty()) env["AWS_ENDPOINT_URL"] = settings_.endpoint_url;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::string ExternalEnvironment::task_root() const {
  if (!fn_.code_path.empty()) return std::filesystem::absolute(fn_.code_path).string();
  return std::filesystem::current_path().string();
}

void ExternalEnvironment::emit(const std::string& line) {
  LogSink* sink = nullptr;
  {
    std::lock_guard lock(mu_);
    if (pending_ && pending_->delivered) sink = pending_->log;
  }
  if (sink)
    sink->write(line);
  else
    log_.write_line(fn_.name, line);
}

}  // namespace bf
