#include "emulator/app/server_metrics.h"

#include <charconv>

namespace bf {

ServerMetrics::ServerMetrics()
    : s3_requests_("bucketfire_s3_requests_total", "S3 requests answered, by operation and HTTP status code.",
                   {"operation", "code"}),
      s3_durations_("bucketfire_s3_request_duration_seconds",
                    "Time from an S3 request's arrival to the last byte of its answer.", {}),
      invocations_("bucketfire_lambda_invocations_total", "Lambda invocations ended, by function and outcome.",
                   {"function", "outcome"}),
      lambda_durations_("bucketfire_lambda_duration_seconds", "Lambda invocations' durations, by function.",
                        {"function"}) {}

void ServerMetrics::record_s3_request(const AccessLogEntry& entry) {
  char code[8];
  const auto end = std::to_chars(code, code + sizeof code, entry.response.status).ptr;
  s3_requests_.at({entry.response.operation, std::string_view(code, end - code)})
      .fetch_add(1, std::memory_order_relaxed);
  s3_durations_.at({}).observe(entry.milliseconds / 1000);
}

void ServerMetrics::record_invocation(const InvocationRecord& record) {
  invocations_.at({record.function, record.status}).fetch_add(1, std::memory_order_relaxed);
  lambda_durations_.at({record.function}).observe(record.duration_ms / 1000);
  // An event from the durable queue (S3 notifications, asynchronous invokes, destinations).
  if (record.enqueued_us != 0) events_delivered_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(tally_mu_);
  FunctionTally& tally = tallies_[record.function];
  ++tally.invocations;
  if (record.status == "Throttled") ++tally.throttles;
  else if (record.status != "Success") ++tally.errors;
}

Json ServerMetrics::console_counters(Invoker& invoker, Outbox& outbox, ObjectStore& objects) const {
  Json functions = Json::object();
  {
    std::lock_guard lock(tally_mu_);
    for (const auto& [name, t] : tallies_)
      functions[name] = Json{{"invocations", t.invocations}, {"errors", t.errors}, {"throttles", t.throttles},
                             {"running", 0}};
  }
  for (const auto& [name, count] : invoker.running()) {
    if (!functions.contains(name)) functions[name] = Json{{"invocations", 0}, {"errors", 0}, {"throttles", 0}};
    functions[name]["running"] = count;
  }
  Json buckets = Json::object();
  for (const StorageTotal& t : objects.storage_totals())
    buckets[t.bucket][t.storage_class] = Json{{"objects", t.versions}, {"bytes", t.bytes}};
  return Json{{"functions", functions}, {"buckets", buckets}, {"eventsPending", outbox.pending_event_count()}};
}

std::string ServerMetrics::render(Invoker& invoker, Outbox& outbox, ObjectStore& objects) const {
  std::string out;
  s3_requests_.write(out);
  s3_durations_.write(out);
  invocations_.write(out);
  lambda_durations_.write(out);
  std::vector<std::pair<std::string, double>> running;
  for (const auto& [function, count] : invoker.running())
    running.emplace_back(metrics::label("function", function), count);
  metrics::write_gauge(out, "bucketfire_lambda_concurrent_executions", "Invocations running now, by function.",
                       running);
  metrics::write_gauge(out, "bucketfire_events_pending", "Events queued for functions and not yet delivered.",
                       {{"", static_cast<double>(outbox.pending_event_count())}});
  metrics::write_counter(out, "bucketfire_events_delivered_total",
                         "Queued events handed to a function (each attempt counts).",
                         static_cast<double>(events_delivered_.load(std::memory_order_relaxed)));
  std::vector<std::pair<std::string, double>> bytes, versions;
  for (const StorageTotal& t : objects.storage_totals()) {
    const std::string labels = metrics::label("bucket", t.bucket) + "," + metrics::label("storage_class", t.storage_class);
    bytes.emplace_back(labels, static_cast<double>(t.bytes));
    versions.emplace_back(labels, static_cast<double>(t.versions));
  }
  metrics::write_gauge(out, "bucketfire_storage_bytes", "Bytes stored, by bucket and storage class (every version).",
                       bytes);
  metrics::write_gauge(out, "bucketfire_storage_objects",
                       "Object versions stored, by bucket and storage class (delete markers aside).", versions);
  metrics::write_process_metrics(out);
  return out;
}

}  // namespace bf
