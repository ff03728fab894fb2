// Runs one invocation of a function on a worker thread (never an HTTP I/O thread), with its
// reserved concurrency, timeout and logs. Retries and destinations belong to the caller.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "emulator/base/usage_meter.h"
#include "emulator/base/worker_pool.h"
#include "emulator/lambda/external_runtime.h"
#include "emulator/lambda/function.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/lineage.h"
#include "sdk/context.h"

namespace bf {

enum class Outcome { Success, FunctionError, Timeout, Throttled };

struct InvokeRequest {
  FunctionConfig function;
  std::string payload;     // event JSON text
  std::string request_id;  // the same for every attempt of one async event, as on AWS
  std::string trigger;
  std::string trace_header;  // the invocation's: Parent is the function's segment
  std::string trace_caller;  // the segment it was called from ("" when it starts the trace)
  int attempt = 1;
  std::int64_t enqueued_us = 0;  // for the invocation record; 0 when not queued
};

struct InvokeResult {
  Outcome outcome = Outcome::Success;
  std::string payload;     // the handler's JSON, or the error JSON Lambda reports
  std::string error_type;  // for FunctionError/Timeout
  std::string error_message;
  std::string log;         // this invocation's log, START to REPORT
  double duration_ms = 0;
  int max_memory_mb = 0;  // measured for external processes; 0: the emulator's peak is reported
  std::string trace_header;  // the invocation's, for what it causes (destinations)
};

const char* outcome_status(Outcome outcome);

// One invocation of `function`, continuing the chain `lineage` arrived with: its trace header
// carries the chain with this function added, as Lambda's does, in the trace of `caller_trace`
// (the trace header of what called it; a new trace when it has no Root).
InvokeRequest invocation_of(FunctionConfig function, std::string payload, std::string request_id,
                            std::string trigger, const Lineage& lineage = {}, std::string_view caller_trace = {});

// True when the chain has already invoked `function` kMaxRecursiveInvocations times and the
// function does not allow loops (RecursiveLoop: Terminate): Lambda stops the invocation.
bool recursion_stops(const FunctionConfig& function, const Lineage& lineage);  // "Success", "Unhandled", "Timeout", "Throttled"

class Invoker {
 public:
  Invoker(const FunctionRegistry& registry, Context::S3Factory s3_factory, InvocationLog& log,
          std::size_t max_threads = 256);
  ~Invoker();

  // Starts the invocation; `done` runs exactly once, on a worker or the timeout thread.
  // A full reserved concurrency answers Throttled at once.
  void start(InvokeRequest request, std::function<void(InvokeResult)> done);
  // Starts and waits (the caller's thread only waits; the handler runs on a worker).
  InvokeResult run(InvokeRequest request);

  // Where functions with external code run (optional; without it they fail to start).
  void set_external_runtimes(ExternalRuntimes* external) { external_ = external; }
  // Where each invocation's request and billed duration are metered (optional).
  void set_meter(UsageMeter* meter) { meter_ = meter; }
  // Invocations running now, by function (functions with none are left out).
  std::map<std::string, int> running();

 private:
  struct Running;
  void settle(const std::shared_ptr<Running>& running, InvokeResult result);
  void execute(const std::shared_ptr<Running>& running);
  void run_external(const std::shared_ptr<Running>& running, InvokeResult& result);
  void watch_deadlines();

  const FunctionRegistry& registry_;
  ExternalRuntimes* external_ = nullptr;
  UsageMeter* meter_ = nullptr;
  Context::S3Factory s3_factory_;
  InvocationLog& log_;

  std::mutex mu_;
  std::map<std::string, int> in_flight_;  // by function
  using Deadlines = std::multimap<std::chrono::steady_clock::time_point, std::weak_ptr<Running>>;
  Deadlines deadlines_;
  std::condition_variable deadline_cv_;
  bool stopping_ = false;
  std::thread watchdog_;
  WorkerPool pool_;  // last: destroyed (joined) first
};

}  // namespace bf
