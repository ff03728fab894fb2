#include "sdk/runtime.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "sdk/http_transport.h"
#include "sdk/s3_client.h"

extern char** environ;

namespace bf {

namespace {

constexpr const char* kBase = "/2018-06-01/runtime";

std::string env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

// Lambda keeps what a function writes to standard output as its log.
class StdoutLog final : public LogSink {
 public:
  void write(std::string_view line) override {
    std::lock_guard lock(mu_);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mu_;
};

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

HttpReply post(HttpTransport& api, const std::string& host, const std::string& path,
               const std::string& body, const std::string& error_type = "") {
  OutgoingRequest req;
  req.method = "POST";
  req.host = host;
  req.path = path;
  req.body = body;
  req.headers.emplace_back("Host", host);
  req.headers.emplace_back("Content-Type", error_type.empty() ? "application/json"
                                                              : "application/vnd.aws.lambda.error+json");
  if (!error_type.empty()) req.headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);
  return api.send(req);
}

}  // namespace

Json error_document(const std::string& type, const std::string& message) {
  return Json{{"errorMessage", message}, {"errorType", type}, {"stackTrace", Json::array()}};
}

int serve(Handler handler, std::function<void()> init) {
  const std::string api_host = env("AWS_LAMBDA_RUNTIME_API");
  if (api_host.empty()) {
    std::fprintf(stderr, "bf::serve: AWS_LAMBDA_RUNTIME_API is not set (run me as a Lambda bootstrap)\n");
    return 2;
  }
  const auto colon = api_host.rfind(':');
  auto api = make_tcp_transport(api_host.substr(0, colon),
                                colon == std::string::npos ? "80" : api_host.substr(colon + 1));
  StdoutLog log;
  if (init) {
    try {
      init();
    } catch (const std::exception& e) {
      post(*api, api_host, std::string(kBase) + "/init/error",
           to_text(error_document(error_type_name(e), e.what())), error_type_name(e));
      return 1;
    }
  }
  const std::string function_name = env("AWS_LAMBDA_FUNCTION_NAME");
  const std::string version = env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
  const int memory = std::atoi(env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128").c_str());
  int failures = 0;
  while (true) {
    HttpReply next;
    try {
      OutgoingRequest req;
      req.host = api_host;
      req.path = std::string(kBase) + "/invocation/next";
      req.headers.emplace_back("Host", api_host);
      next = api->send(req);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bf::serve: %s\n", e.what());
      if (++failures >= 3) return 0;  // the Runtime API is gone
      continue;
    }
    if (next.status != 200) {
      if (++failures >= 3) return 0;
      continue;
    }
    failures = 0;
    InvocationInfo info;
    if (const auto* id = next.header("Lambda-Runtime-Aws-Request-Id")) info.request_id = *id;
    if (const auto* arn = next.header("Lambda-Runtime-Invoked-Function-Arn")) info.function_arn = *arn;
    if (const auto* trace = next.header("Lambda-Runtime-Trace-Id")) {
      info.trace_id = *trace;
      ::setenv("_X_AMZN_TRACE_ID", trace->c_str(), 1);
    }
    std::int64_t deadline_ms = 0;
    if (const auto* deadline = next.header("Lambda-Runtime-Deadline-Ms")) deadline_ms = std::atoll(deadline->c_str());
    info.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms));
    info.function_name = function_name;
    info.function_version = version;
    info.memory_limit_mb = memory;
    info.log_group = env("AWS_LAMBDA_LOG_GROUP_NAME");
    info.log_stream = env("AWS_LAMBDA_LOG_STREAM_NAME");
    info.environment = environment();
    Context ctx(std::move(info), log, [](const Context& c) {
      S3ClientOptions options = S3ClientOptions::from_environment();
      auto transport = make_network_transport(options.endpoint);
      return std::make_unique<S3Client>(std::move(transport), std::move(options),
                                        [&c] { c.check_deadline(); });
    });
    const std::string base = std::string(kBase) + "/invocation/" + ctx.request_id();
    try {
      Json event = next.body.empty() ? Json::object() : Json::parse(next.body);
      Json result = handler(event, ctx);
      post(*api, api_host, base + "/response", to_text(result));
    } catch (const std::exception& e) {
      const std::string type = error_type_name(e);
      try {
        post(*api, api_host, base + "/error", to_text(error_document(type, e.what())), type);
      } catch (const std::exception& post_error) {
        std::fprintf(stderr, "bf::serve: cannot report an error: %s\n", post_error.what());
      }
    }
  }
}

}  // namespace bf
