// Functions whose code runs as its own process and speaks the Lambda Runtime API: a command
// (a Python or Node script, ...) or a folder holding a `bootstrap` (a packaged C++ handler).
// Each execution environment is one process with its own Runtime API endpoint (Lambda's
// AWS_LAMBDA_RUNTIME_API is host:port, so each gets a port), kept warm between invocations,
// started on demand up to the function's concurrency, replaced when it crashes, killed on
// timeout, and restarted on new code when the code on disk changes.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/lambda/function.h"
#include "emulator/lambda/host_prefixes.h"
#include "emulator/lambda/invocation_log.h"
#include "sdk/context.h"

namespace bf {

struct ExternalResult {
  bool ok = false;
  std::string payload;     // the response, or the error document
  std::string error_type;  // on failure
  std::string error_message;
  int max_memory_mb = 0;   // the process's peak resident memory (VmHWM), when known
};

struct ExternalSettings {
  std::string region;
  std::string access_key;
  std::string secret_key;
  std::string endpoint_url;  // given to functions as AWS_ENDPOINT_URL ("" when unknown)
  // Where uploaded packages are kept (packages/) and unpacked (unpacked/): a folder of the
  // data directory, so created functions outlive the process. "" for a private temporary
  // folder removed at exit.
  std::string code_root;
};

// A zip's code is unpacked once per version into a folder under the code root.

class ExternalEnvironment;

class ExternalRuntimes {
 public:
  ExternalRuntimes(ExternalSettings settings, InvocationLog& log);
  ~ExternalRuntimes();  // kills every process

  void set_endpoint_url(std::string url);
  // The private folder for unpacked code and uploaded packages.
  const std::string& code_root() const { return code_root_; }

  // Removes uploaded packages and unpacked copies that none of `functions` uses (left by
  // UpdateFunctionCode, DeleteFunction or a refused CreateFunction). For start-up, before any
  // invocation could be reading them. Returns how many it removed.
  int remove_unused_code(const std::vector<FunctionConfig>& functions);

  // Runs one invocation in a warm or new environment and waits for its answer. Lines the
  // process prints while it runs go to `log`.
  ExternalResult invoke(const FunctionConfig& fn, const std::string& request_id,
                        const std::string& payload, std::int64_t deadline_ms,
                        const std::string& trace_header, LogSink& log);
  // Kills the environment running `request_id` (its invocation timed out).
  void abort(const std::string& request_id);
  // Kills every process (shutdown): invocations in flight end with an exit error.
  void kill_all();

 private:
  std::shared_ptr<ExternalEnvironment> acquire(const FunctionConfig& fn, std::int64_t deadline_ms,
                                               std::string& error);
  void release(const std::shared_ptr<ExternalEnvironment>& env);

  // The folder to run `fn` from: its code folder, or its zip unpacked.
  std::string code_folder(const FunctionConfig& fn, std::string& error);

  ExternalSettings settings_;
  InvocationLog& log_;
  std::string code_root_;
  SdkSupportFiles sdk_files_;  // what every function's SDKs are pointed at (host_prefixes.h)
  std::string unpacked_folder(const FunctionConfig& fn) const;
  bool temporary_root_ = false;  // removed at exit
  std::mutex unpack_mu_;
  std::mutex mu_;
  std::condition_variable free_cv_;  // an environment became idle
  std::map<std::string, std::vector<std::shared_ptr<ExternalEnvironment>>> environments_;  // by function
};

// A stamp of the code's on-disk state: changes when any file of it changes.
std::string code_version(const FunctionConfig& fn);

}  // namespace bf
