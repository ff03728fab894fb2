// What GET /metrics answers (Prometheus' text format): S3 requests by operation and status code
// and their durations, Lambda invocations by function and outcome and their durations, running
// invocations, the event queue, stored bytes per bucket and storage class, and the process's
// own figures. Requests and invocations are counted as they end (atomic adds); the rest is read
// when scraped.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "emulator/base/metrics.h"
#include "emulator/http/message.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/invoker.h"
#include "emulator/store/object_store.h"
#include "emulator/store/outbox.h"

namespace bf {

class ServerMetrics {
 public:
  ServerMetrics();

  // An S3 request answered (over the network, or a handler's in-process call).
  void record_s3_request(const HttpResponse& response, double milliseconds);
  void record_invocation(const InvocationRecord& record);
  std::string render(Invoker& invoker, Outbox& outbox, ObjectStore& objects) const;
  // The console's counters: per function its invocations, errors, throttles and running
  // invocations; per bucket and storage class its objects and bytes; the event queue.
  Json console_counters(Invoker& invoker, Outbox& outbox, ObjectStore& objects) const;

 private:
  metrics::Counters s3_requests_;
  metrics::Histograms s3_durations_;
  metrics::Counters invocations_;
  metrics::Histograms lambda_durations_;
  std::atomic<std::uint64_t> events_delivered_{0};
};

}  // namespace bf
