#include "emulator/lambda/invoker.h"

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <future>
#include <optional>

#include "emulator/base/time.h"
#include "emulator/base/trace.h"
#include "emulator/lambda/arn.h"

namespace bf {

namespace {

// The emulator process's peak resident memory: in-process handlers share one address space,
// so this is an upper bound of what the function used, not its own figure.
int peak_resident_mb() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<int>(usage.ru_maxrss / 1024);  // ru_maxrss is in KiB on Linux
}

std::string now_iso() {
  return iso8601_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
}

std::string error_json(const std::string& type, const std::string& message) {
  return to_text(Json{{"errorMessage", message}, {"errorType", type}, {"stackTrace", Json::array()}});
}

}  // namespace

std::map<std::string, int> Invoker::running() {
  std::lock_guard lock(mu_);
  std::map<std::string, int> out;
  for (const auto& [function, count] : in_flight_)
    if (count > 0) out.emplace(function, count);
  return out;
}

const char* outcome_status(Outcome outcome) {
  switch (outcome) {
    case Outcome::Success: return "Success";
    case Outcome::FunctionError: return "Unhandled";
    case Outcome::Timeout: return "Timeout";
    case Outcome::Throttled: return "Throttled";
  }
  return "?";
}

// One invocation in progress. Shared by the worker running the handler, the timeout thread
// and the log sink, so a handler that outlives its timeout still has somewhere to write.
struct Invoker::Running final : LogSink {
  InvokeRequest request;
  std::function<void(InvokeResult)> done;
  std::atomic<bool> settled{false};
  std::chrono::steady_clock::time_point started;
  std::atomic<std::int64_t> handler_started_us{0};
  std::chrono::system_clock::time_point deadline;
  InvocationLog* log = nullptr;
  std::optional<Deadlines::iterator> deadline_entry;  // guarded by Invoker::mu_
  std::mutex text_mu;
  std::string text;  // this invocation's log lines

  void write(std::string_view line) override {
    {
      std::lock_guard lock(text_mu);
      text.append(line);
      text += '\n';
    }
    log->write_line(request.function.name, line);
  }
};

Invoker::Invoker(const FunctionRegistry& registry, Context::S3Factory s3_factory,
                 InvocationLog& log, std::size_t max_threads)
    : registry_(registry), s3_factory_(std::move(s3_factory)), log_(log), pool_(max_threads) {
  watchdog_ = std::thread([this] { watch_deadlines(); });
}

Invoker::~Invoker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  deadline_cv_.notify_all();
  watchdog_.join();
}

InvokeRequest invocation_of(FunctionConfig function, std::string payload, std::string request_id,
                            std::string trigger, const Lineage& lineage, std::string_view caller_trace) {
  InvokeRequest req;
  const TraceHeader caller = TraceHeader::parse(caller_trace);
  req.trace_header = new_trace_header(lineage.with_invocation_of(function.name), caller.root);
  req.trace_caller = caller.root.empty() ? "" : caller.parent;
  req.function = std::move(function);
  req.payload = std::move(payload);
  req.request_id = std::move(request_id);
  req.trigger = std::move(trigger);
  return req;
}

bool recursion_stops(const FunctionConfig& function, const Lineage& lineage) {
  return !function.recursive_loop_allowed && lineage.count(function.name) >= kMaxRecursiveInvocations;
}

void Invoker::start(InvokeRequest request, std::function<void(InvokeResult)> done) {
  const FunctionConfig& fn = request.function;
  bool throttled = false;
  {
    std::lock_guard lock(mu_);
    int& in_flight = in_flight_[fn.name];
    if (fn.reserved_concurrency && in_flight >= *fn.reserved_concurrency)
      throttled = true;
    else
      ++in_flight;
  }
  if (throttled) {
    // Answered outside the lock: the callback may take other locks (store, dispatcher).
    InvokeResult result;
    result.outcome = Outcome::Throttled;
    result.error_type = "TooManyRequestsException";
    result.error_message = "Rate Exceeded.";
    log_.add({std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count(),
              fn.name, request.request_id, request.trigger, "Throttled", 0, request.attempt,
              result.error_type, result.error_message});
    done(std::move(result));
    return;
  }
  auto running = std::make_shared<Running>();
  running->request = std::move(request);
  running->done = std::move(done);
  running->log = &log_;
  running->started = std::chrono::steady_clock::now();
  running->deadline = std::chrono::system_clock::now() + std::chrono::seconds(fn.timeout_s);
  {
    std::lock_guard lock(mu_);
    running->deadline_entry = deadlines_.emplace(
        running->started + std::chrono::seconds(running->request.function.timeout_s), running);
  }
  deadline_cv_.notify_one();
  pool_.submit([this, running] { execute(running); });
}

InvokeResult Invoker::run(InvokeRequest request) {
  auto promise = std::make_shared<std::promise<InvokeResult>>();
  auto future = promise->get_future();
  start(std::move(request), [promise](InvokeResult r) { promise->set_value(std::move(r)); });
  return future.get();
}

void Invoker::execute(const std::shared_ptr<Running>& running) {
  // A task that waited in the pool past its deadline has already been reported as timed
  // out (and may be retried): running it now would only duplicate its side effects.
  if (running->settled) return;
  const InvokeRequest& req = running->request;
  running->write("START RequestId: " + req.request_id + " Version: $LATEST");
  InvocationInfo info;
  info.request_id = req.request_id;
  info.function_name = req.function.name;
  info.function_arn = function_arn(req.function);
  info.memory_limit_mb = req.function.memory_mb;
  info.deadline = running->deadline;
  info.trace_id = req.trace_header;
  info.log_group = "/aws/lambda/" + req.function.name;
  info.log_stream = "$LATEST";
  info.environment = req.function.environment;
  Context ctx(std::move(info), *running, s3_factory_);

  InvokeResult result;
  if (req.function.external()) {
    run_external(running, result);
    settle(running, std::move(result));
    return;
  }
  auto handler = registry_.handlers().find(req.function.handler);
  running->handler_started_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  try {
    if (handler == registry_.handlers().end())
      throw FunctionError("Runtime.HandlerNotFound", "handler " + req.function.handler + " is not registered");
    Json event = req.payload.empty() ? Json::object() : Json::parse(req.payload);
    Json response = handler->second(event, ctx);
    result.payload = to_text(response);
  } catch (const std::exception& e) {
    result.outcome = Outcome::FunctionError;
    result.error_type = error_type_name(e);
    result.error_message = e.what();
  } catch (...) {
    result.outcome = Outcome::FunctionError;
    result.error_type = "Runtime.UnknownReason";
    result.error_message = "the handler threw something that is not a std::exception";
  }
  if (result.outcome == Outcome::FunctionError) {
    result.payload = error_json(result.error_type, result.error_message);
    if (!running->settled)
      running->write(now_iso() + "\t" + req.request_id + "\tERROR\t" + result.payload);
  }
  settle(running, std::move(result));
}

void Invoker::run_external(const std::shared_ptr<Running>& running, InvokeResult& result) {
  const InvokeRequest& req = running->request;
  if (!external_) {
    result.outcome = Outcome::FunctionError;
    result.error_type = "Runtime.Unavailable";
    result.error_message = "external functions cannot run here";
    result.payload = error_json(result.error_type, result.error_message);
    return;
  }
  const std::int64_t deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       running->deadline.time_since_epoch()).count();
  ExternalResult r = external_->invoke(req.function, req.request_id, req.payload, deadline_ms,
                                       req.trace_header, *running);
  result.max_memory_mb = r.max_memory_mb;
  if (r.ok) {
    result.payload = r.payload;
    return;
  }
  result.outcome = Outcome::FunctionError;
  result.error_type = r.error_type;
  result.error_message = r.error_message;
  result.payload = r.payload;
}

void Invoker::settle(const std::shared_ptr<Running>& running, InvokeResult result) {
  if (running->settled.exchange(true)) return;  // the other of handler/timeout came first
  const InvokeRequest& req = running->request;
  const FunctionConfig& fn = req.function;
  result.trace_header = req.trace_header;
  {
    std::lock_guard lock(mu_);
    --in_flight_[fn.name];
    if (running->deadline_entry) {
      deadlines_.erase(*running->deadline_entry);
      running->deadline_entry.reset();
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              running->started).count();
  result.duration_ms = result.outcome == Outcome::Timeout ? fn.timeout_s * 1000.0 : ms;
  if (result.outcome == Outcome::Timeout) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(fn.timeout_s));
    running->write(now_iso() + " " + req.request_id + " Task timed out after " + seconds + " seconds");
    result.error_type = "Sandbox.Timedout";
    result.error_message = "RequestId: " + req.request_id + " Error: Task timed out after " +
                           seconds + " seconds";
    result.payload = to_text(Json{{"errorType", result.error_type}, {"errorMessage", result.error_message}});
  }
  const int max_memory_used_mb = result.max_memory_mb ? result.max_memory_mb : peak_resident_mb();
  char report[256];
  std::snprintf(report, sizeof report,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d "
                "MB\tMax Memory Used: %d MB\t%s",
                req.request_id.c_str(), result.duration_ms, std::ceil(result.duration_ms),
                fn.memory_mb, max_memory_used_mb,
                result.outcome == Outcome::Timeout ? "Status: timeout\t" : "");
  running->write("END RequestId: " + req.request_id);
  running->write(report);
  // Lambda bills each invocation that ran: a request, and the billed duration × memory.
  if (meter_) {
    const std::string arn = function_arn(fn);
    meter_->record("Request", "Invoke", arn, 1);
    meter_->record("Lambda-GB-Second", "Invoke", arn,
                   std::ceil(result.duration_ms) / 1000.0 * static_cast<double>(fn.memory_mb) / 1024.0);
  }
  {
    std::lock_guard lock(running->text_mu);
    result.log = running->text;
  }
  log_.add({std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count(),
            fn.name, req.request_id, req.trigger, outcome_status(result.outcome),
            result.duration_ms, req.attempt, result.error_type, result.error_message,
            req.enqueued_us, running->handler_started_us.load(), req.trace_header, req.trace_caller,
            req.payload.substr(0, kMaxKeptPayload + 1), result.payload.substr(0, kMaxKeptPayload + 1),
            fn.memory_mb, max_memory_used_mb});
  auto done = std::move(running->done);
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    // Never let a callback's failure take a worker thread (and the process) down.
    std::fprintf(stderr, "bucketfire: after invocation %s of %s: %s\n", req.request_id.c_str(),
                 fn.name.c_str(), e.what());
  }
}

void Invoker::watch_deadlines() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      deadline_cv_.wait(lock);
      continue;
    }
    auto first = deadlines_.begin();
    if (std::chrono::steady_clock::now() < first->first) {
      // A copy: the entry may be erased (its invocation settled) while the lock is released.
      const auto wake_at = first->first;
      deadline_cv_.wait_until(lock, wake_at);
      continue;
    }
    auto running = first->second.lock();
    deadlines_.erase(first);
    if (!running) continue;
    running->deadline_entry.reset();
    if (running->settled) continue;
    lock.unlock();
    InvokeResult timeout;
    timeout.outcome = Outcome::Timeout;
    settle(running, std::move(timeout));
    // An external process is killed (Lambda ends the environment); an in-process handler
    // can only be left to stop at its next SDK call.
    if (external_ && running->request.function.external()) external_->abort(running->request.request_id);
    lock.lock();
  }
}

}  // namespace bf
