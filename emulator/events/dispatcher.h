// Delivers the outbox: takes due entries, invokes their function asynchronously, and applies
// Lambda's async rules (retries with AWS's delays, event age, throttling back-off, recursion
// stop, on-success/on-failure destinations). An entry leaves the outbox only when this is done
// with it, so delivery is at least once across crashes and restarts.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "emulator/base/clock.h"
#include "emulator/base/status.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invocation_context.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/invoker.h"
#include "emulator/store/outbox.h"
#include "sdk/json.h"

namespace bf {

// Puts an object through the S3 API (so the bucket's own notifications fire too), sending
// `trace_header` (the chain's lineage) as a handler's SDK would.
using BucketWriter = std::function<Status(const std::string& bucket, const std::string& key,
                                          const std::string& body, const std::string& trace_header)>;

// A bucket destination that cannot be written is tried this many times (backing off like a
// throttle), then given up with a log line and an invocation record.
inline constexpr int kMaxDestinationAttempts = 10;

struct DispatcherOptions {
  double time_scale = 1.0;          // multiplies AWS's delays and event-age limits
  std::size_t max_in_flight = 256;  // outbox entries being invoked at once
};

// Invocation attempts after the first: AWS waits about one minute, then two.
std::int64_t retry_delay_ms(int failed_attempts, double time_scale);
// Throttled events back off from one second, doubling, to at most five minutes.
std::int64_t throttle_delay_ms(int throttles, double time_scale);

// The record Lambda sends to an async destination.
Json destination_record(const std::string& function_arn, const std::string& request_id,
                        const std::string& condition, int invoke_count,
                        const std::string& request_payload, const InvokeResult* result,
                        std::int64_t now_ms);

class Dispatcher {
 public:
  Dispatcher(Outbox& outbox, const Clock& clock, const FunctionRegistry& functions, Invoker& invoker,
             InvocationLog& log, BucketWriter bucket_writer, DispatcherOptions options);
  ~Dispatcher();

  void start();
  // Returns when the loop has ended; invocations in flight may still call back, so call it
  // again (or destroy the dispatcher) after they are done to remove what they finished.
  void stop();
  void wake();  // new entries, or the clock moved
  // Delivers everything due by the clock's now and waits until nothing is due or in flight
  // (or `timeout` passes: then false). The virtual clock calls it at each stop on its way,
  // so events run at the time they were due, as they would have.
  bool settle(std::chrono::milliseconds timeout);

 private:
  void loop();
  void deliver(const OutboxEntry& entry);
  void on_result(OutboxEntry entry, InvocationContext context, const FunctionConfig& fn, InvokeResult result);
  // Ends the entry: hands it to the destination for `condition` (if any) and removes it.
  void finish(const OutboxEntry& entry, const InvocationContext& context, const FunctionConfig& fn,
              const std::string& condition, const InvokeResult* result);
  // Writes a failure record to its bucket; on failure keeps it in the outbox to try again.
  void write_record_to_bucket(OutboxEntry entry, InvocationContext context);
  void release(std::int64_t id);
  // Queues a delivered entry's removal; the loop removes finished entries in batches (they
  // stay "in flight" until then, so they are not fetched again).
  void finished(std::int64_t id);
  void remove_finished(std::unique_lock<std::mutex>& lock);

  Outbox& outbox_;
  const Clock& clock_;
  const FunctionRegistry& functions_;
  Invoker& invoker_;
  InvocationLog& log_;
  BucketWriter bucket_writer_;
  DispatcherOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::int64_t> in_flight_;
  std::vector<std::int64_t> finished_;
  bool woken_ = false;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace bf
