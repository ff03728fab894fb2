// One execution environment of a function with external code: its process (RuntimeProcess),
// the Runtime API endpoint that process polls, and the one invocation it runs at a time.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "emulator/http/message.h"
#include "emulator/lambda/external_runtime.h"
#include "emulator/lambda/function.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/runtime_process.h"

namespace bf {

class HttpServer;

class ExternalEnvironment final : public Service {
 public:
  // `sdk_files`: what its SDKs are pointed at (host_prefixes.h).
  ExternalEnvironment(FunctionConfig fn, const ExternalSettings& settings, SdkSupportFiles sdk_files, InvocationLog& log,
                      std::string version);
  ~ExternalEnvironment() override;

  const std::string& version() const { return version_; }
  bool busy = false;  // guarded by ExternalRuntimes' mutex

  // Opens the Runtime API endpoint and starts the process; an error message, or "".
  std::string start();
  bool alive();
  // Hands the invocation to the process and waits for its answer, or for the process to end.
  ExternalResult run(const std::string& request_id, const std::string& payload, std::int64_t deadline_ms,
                     const std::string& arn, const std::string& trace, LogSink& log);
  bool runs(const std::string& request_id);
  void kill();

  // The Runtime API, as this environment's process sees it.
  Dispatch begin(const HttpRequest& request) override;

 private:
  struct Pending {
    std::string request_id;
    std::string payload;
    std::int64_t deadline_ms = 0;
    std::string arn;
    std::string trace;
    LogSink* log = nullptr;
    bool delivered = false;
    std::optional<ExternalResult> result;
  };

  HttpResponse next_invocation();
  HttpResponse post_result(const std::string& id, bool ok, const std::string& body,
                           const std::string& type, bool init);
  ExternalResult exit_result(const std::string& request_id);
  std::vector<std::string> environment(const std::string& api) const;
  std::string task_root() const;
  // A line the process printed: part of the running invocation's log, or the function's.
  void emit(const std::string& line);
  void on_exit(const std::string& reason);

  FunctionConfig fn_;
  ExternalSettings settings_;
  SdkSupportFiles sdk_files_;
  InvocationLog& log_;
  std::string version_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Pending> pending_;
  std::optional<ExternalResult> init_error_;
  bool stopping_ = false;
  bool exited_ = false;
  std::string exit_reason_;
  std::unique_ptr<HttpServer> server_;
  std::thread server_thread_;
  RuntimeProcess process_;  // last: destroyed first, its reader done before what it calls into
};

// A function error as Lambda reports it: {"errorType", "errorMessage"}.
ExternalResult error_result(const std::string& type, const std::string& message);

}  // namespace bf
