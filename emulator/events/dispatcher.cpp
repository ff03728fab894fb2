#include "emulator/events/dispatcher.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emulator/base/time.h"
#include "emulator/base/trace.h"
#include "emulator/lambda/lineage.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

std::int64_t scaled(double seconds, double time_scale) {
  return static_cast<std::int64_t>(std::llround(seconds * 1000.0 * time_scale));
}

// "aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>", as Lambda names records
// it writes to an S3 on-failure destination.
std::string destination_key(const std::string& function, std::int64_t now_ms) {
  return "aws/lambda/async/" + function + "/" + format_utc_ms(now_ms, "%Y/%m/%d") + "/" +
         format_utc_ms(now_ms, "%Y-%m-%dT%H.%M.%S") + "-" + new_uuid();
}

Json parse_or_string(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(text) : j;
}

}  // namespace

std::int64_t retry_delay_ms(int failed_attempts, double time_scale) {
  return scaled(failed_attempts <= 1 ? 60 : 120, time_scale);
}

std::int64_t throttle_delay_ms(int throttles, double time_scale) {
  double seconds = std::min(300.0, std::ldexp(1.0, std::max(0, throttles - 1)));
  return scaled(seconds, time_scale);
}

Json destination_record(const std::string& function_arn, const std::string& request_id,
                        const std::string& condition, int invoke_count,
                        const std::string& request_payload, const InvokeResult* result,
                        std::int64_t now_ms) {
  Json record{{"version", "1.0"},
              {"timestamp", iso8601_ms(now_ms)},
              {"requestContext",
               {{"requestId", request_id},
                {"functionArn", function_arn + ":$LATEST"},
                {"condition", condition},
                {"approximateInvokeCount", invoke_count}}},
              {"requestPayload", parse_or_string(request_payload)}};
  if (result && result->outcome != Outcome::Throttled) {
    Json response{{"statusCode", 200}, {"executedVersion", "$LATEST"}};
    if (result->outcome != Outcome::Success) response["functionError"] = "Unhandled";
    record["responseContext"] = response;
    record["responsePayload"] = parse_or_string(result->payload);
  }
  return record;
}

Dispatcher::Dispatcher(Outbox& outbox, const Clock& clock, const FunctionRegistry& functions,
                       Invoker& invoker, InvocationLog& log, BucketWriter bucket_writer,
                       DispatcherOptions options)
    : outbox_(outbox), clock_(clock), functions_(functions), invoker_(invoker), log_(log),
      bucket_writer_(std::move(bucket_writer)), options_(options) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  std::lock_guard lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  bool was_running;
  {
    std::lock_guard lock(mu_);
    was_running = running_;
    running_ = false;
  }
  if (was_running) {
    cv_.notify_all();
    thread_.join();
  }
  // Entries that finished since the loop's last pass (or after it ended) leave the outbox now.
  std::unique_lock lock(mu_);
  remove_finished(lock);
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool Dispatcher::settle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  wake();
  std::unique_lock lock(mu_);
  for (;;) {
    if (in_flight_.empty() && finished_.empty()) {
      lock.unlock();
      const bool nothing_due = outbox_.due_events(clock_.now_ms(), 1, {}).empty();
      lock.lock();
      if (nothing_due && in_flight_.empty() && finished_.empty()) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Woken by every finished or released entry; the short bound covers an entry fetched
    // and finished between the checks above.
    cv_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

void Dispatcher::release(std::int64_t id) {
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(id);
    woken_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::finished(std::int64_t id) {
  {
    std::lock_guard lock(mu_);
    finished_.push_back(id);
    woken_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::remove_finished(std::unique_lock<std::mutex>& lock) {
  if (finished_.empty()) return;
  std::vector<std::int64_t> batch;
  batch.swap(finished_);
  lock.unlock();
  Status s = outbox_.finish_events(batch);
  lock.lock();
  if (!s) {
    // Kept in flight (not fetched again) and retried on the next pass.
    std::fprintf(stderr, "bucketfire: cannot close %zu outbox entries: %s\n", batch.size(),
                 s.message().c_str());
    finished_.insert(finished_.end(), batch.begin(), batch.end());
    return;
  }
  for (std::int64_t id : batch) in_flight_.erase(id);
}

void Dispatcher::loop() {
  std::unique_lock lock(mu_);
  while (running_) {
    woken_ = false;
    remove_finished(lock);
    // One reading of the clock for both queries, so no entry falls between them.
    const std::int64_t now = clock_.now_ms();
    std::vector<OutboxEntry> due;
    if (in_flight_.size() < options_.max_in_flight) {
      std::vector<std::int64_t> skip(in_flight_.begin(), in_flight_.end());
      lock.unlock();
      due = outbox_.due_events(now, options_.max_in_flight - skip.size(), skip);
      lock.lock();
      for (const auto& e : due) in_flight_.insert(e.id);
    }
    if (!due.empty()) {
      lock.unlock();
      for (const auto& e : due) deliver(e);
      lock.lock();
      continue;
    }
    lock.unlock();
    auto next = outbox_.next_due_ms(now);
    lock.lock();
    if (woken_ || !running_) continue;
    if (next) {
      const std::int64_t wait_ms = std::max<std::int64_t>(1, *next - clock_.now_ms());
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return woken_ || !running_; });
    } else {
      cv_.wait(lock, [&] { return woken_ || !running_; });
    }
  }
}

void Dispatcher::deliver(const OutboxEntry& entry) {
  InvocationContext context = InvocationContext::from_json(entry.context);
  if (context.request_id.empty()) context.request_id = new_uuid();
  const std::string request_id = context.request_id;
  const std::string trigger = context.trigger;
  if (context.destination) {
    // The function already ran; only writing its record to the bucket is left to do.
    write_record_to_bucket(entry, context);
    return;
  }

  auto fn = functions_.find(entry.function);
  if (!fn) {
    std::fprintf(stderr, "bucketfire: dropping an event for unknown function %s (%s)\n",
                 entry.function.c_str(), trigger.c_str());
    log_.add({clock_.now_ms(), entry.function, request_id, trigger, "FunctionNotFound", 0,
              entry.attempts, "ResourceNotFoundException", "Function not found"});
    finished(entry.id);
    return;
  }
  const std::int64_t now = clock_.now_ms();
  // An event that has reached its maximum age is not run (a retry due exactly then included).
  if (now - entry.created_ms >= scaled(fn->async.maximum_event_age_seconds, options_.time_scale)) {
    log_.add({now, fn->name, request_id, trigger, "EventAgeExceeded", 0, entry.attempts, "", ""});
    finish(entry, context, *fn, "EventAgeExceeded", nullptr);
    return;
  }
  if (fn->reserved_concurrency && *fn->reserved_concurrency == 0) {
    // AWS sends events for a function with zero concurrency straight to the failure path.
    log_.add({now, fn->name, request_id, trigger, "Throttled", 0, entry.attempts,
              "TooManyRequestsException", "Reserved concurrency is 0"});
    finish(entry, context, *fn, "RetriesExhausted", nullptr);
    return;
  }
  const Lineage lineage = Lineage::from_field(context.lineage);
  if (recursion_stops(*fn, lineage)) {
    log_.write_line(fn->name, "bucketfire: recursive loop detected; stopped the invocation of " +
                                  fn->name + " for request " + request_id + " after " +
                                  std::to_string(kMaxRecursiveInvocations) + " invocations");
    log_.add({now, fn->name, request_id, trigger, "RecursionStopped", 0, entry.attempts,
              "RecursiveInvocationException",
              "the event chain invoked this function " + std::to_string(kMaxRecursiveInvocations) + " times"});
    ++log_.recursion_stopped;  // after the record: whoever sees the count sees the record
    finish(entry, context, *fn, "RecursiveInvocationDetected", nullptr);
    return;
  }

  InvokeRequest req = invocation_of(*fn, entry.payload, request_id, trigger, lineage, context.trace);
  req.attempt = entry.attempts + 1;
  req.enqueued_us = context.enqueued_us;
  invoker_.start(std::move(req), [this, entry, context, f = *fn](InvokeResult result) {
    on_result(entry, context, f, std::move(result));
  });
}

void Dispatcher::on_result(OutboxEntry entry, InvocationContext context, const FunctionConfig& fn,
                           InvokeResult result) {
  const std::int64_t now = clock_.now_ms();
  switch (result.outcome) {
    case Outcome::Success:
      entry.attempts += 1;  // the record counts this invocation
      finish(entry, context, fn, "Success", &result);
      return;
    case Outcome::Throttled: {
      ++context.throttles;
      entry.context = context.to_json();
      entry.due_ms = now + throttle_delay_ms(context.throttles, options_.time_scale);
      outbox_.reschedule_event(entry);
      release(entry.id);
      return;
    }
    case Outcome::FunctionError:
    case Outcome::Timeout:
      entry.attempts += 1;
      if (entry.attempts <= fn.async.maximum_retry_attempts) {
        entry.context = context.to_json();
        entry.due_ms = now + retry_delay_ms(entry.attempts, options_.time_scale);
        outbox_.reschedule_event(entry);
        release(entry.id);
        return;
      }
      finish(entry, context, fn, "RetriesExhausted", &result);
      return;
  }
}

void Dispatcher::finish(const OutboxEntry& entry, const InvocationContext& context, const FunctionConfig& fn,
                        const std::string& condition, const InvokeResult* result) {
  const Destination& dest = condition == "Success" ? fn.async.on_success : fn.async.on_failure;
  if (dest.arn.empty()) {
    finished(entry.id);
    return;
  }
  const std::int64_t now = clock_.now_ms();
  const Json record =
      destination_record(function_arn(fn), context.request_id,
                         condition, entry.attempts, entry.payload, result, now);
  // The destination is part of the event's chain: it inherits the lineage with this function.
  const std::string lineage =
      Lineage::from_field(context.lineage).with_invocation_of(fn.name).field();
  if (dest.is_bucket()) {
    InvocationContext pending = context;
    pending.destination = PendingBucketWrite{dest.bucket(), fn.name, to_text(record), lineage, 0};
    if (result) pending.trace = result->trace_header;  // the record's write is the function's doing
    write_record_to_bucket(entry, std::move(pending));
    return;
  }
  OutboxEntry next;
  next.function = functions_.resolve(dest.arn);
  if (next.function.empty()) next.function = dest.arn;
  next.payload = to_text(record);
  InvocationContext next_context{new_uuid(), "destination:" + condition, function_arn(fn),
                                 lineage};
  next_context.trace = result ? result->trace_header : context.trace;  // continues the function's trace
  next.context = next_context.to_json();
  next.created_ms = now;
  next.due_ms = now;
  if (Status s = outbox_.finish_event(entry.id, {next}); !s) {
    std::fprintf(stderr, "bucketfire: cannot hand outbox entry %lld to %s: %s\n",
                 static_cast<long long>(entry.id), dest.arn.c_str(), s.message().c_str());
  }
  release(entry.id);
}

void Dispatcher::write_record_to_bucket(OutboxEntry entry, InvocationContext context) {
  PendingBucketWrite& pending = *context.destination;
  const std::string bucket = pending.bucket;
  const std::string function = pending.function;
  const std::int64_t now = clock_.now_ms();
  // The write continues the function's trace (its segment as the parent) with the chain's lineage.
  TraceHeader trace = TraceHeader::parse(context.trace);
  trace.lineage = pending.lineage;
  Status s = bucket_writer_(bucket, destination_key(function, now), pending.record,
                            trace.root.empty() ? new_trace_header(Lineage::from_field(pending.lineage)) : trace.format());
  if (s) {
    finished(entry.id);
    return;
  }
  const int attempts = pending.attempts + 1;
  std::fprintf(stderr, "bucketfire: cannot write the async record of %s to bucket %s (attempt %d): %s\n",
               function.c_str(), bucket.c_str(), attempts, s.message().c_str());
  if (attempts >= kMaxDestinationAttempts) {
    log_.add({now, function, context.request_id, context.trigger,
              "DestinationFailed", 0, entry.attempts, "DestinationError", s.message()});
    finished(entry.id);
    return;
  }
  // Kept in the outbox with the record, and only the write is tried again.
  pending.attempts = attempts;
  entry.context = context.to_json();
  entry.due_ms = now + throttle_delay_ms(attempts, options_.time_scale);
  outbox_.reschedule_event(entry);
  release(entry.id);
}

}  // namespace bf
