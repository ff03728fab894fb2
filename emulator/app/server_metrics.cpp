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

void ServerMetrics::record_s3_request(const HttpResponse& response, double milliseconds) {
  char code[8];
  const auto end = std::to_chars(code, code + sizeof code, response.status).ptr;
  s3_requests_.at({response.operation, std::string_view(code, end - code)}).fetch_add(1, std::memory_order_relaxed);
  s3_durations_.at({}).observe(milliseconds / 1000);
}

void ServerMetrics::record_invocation(const InvocationRecord& record) {
  invocations_.at({record.function, record.status}).fetch_add(1, std::memory_order_relaxed);
  lambda_durations_.at({record.function}).observe(record.duration_ms / 1000);
  // An event from the durable queue (S3 notifications, asynchronous invokes, destinations).
  if (record.enqueued_us != 0) events_delivered_.fetch_add(1, std::memory_order_relaxed);
}

Json ServerMetrics::console_counters(Invoker& invoker, Outbox& outbox, ObjectStore& objects) const {
  // From the invocation counters: per function, by outcome.
  Json functions = Json::object();
  auto tally = [&](std::string_view name) -> Json& {
    Json& f = functions[std::string(name)];
    if (f.is_null()) f = Json{{"invocations", 0}, {"errors", 0}, {"throttles", 0}, {"running", 0}};
    return f;
  };
  invocations_.for_each([&](const std::vector<std::string_view>& labels, const std::atomic<std::uint64_t>& count) {
    const std::uint64_t n = count.load(std::memory_order_relaxed);
    Json& f = tally(labels[0]);
    f["invocations"] = f["invocations"].get<std::uint64_t>() + n;
    const char* kind = labels[1] == "Success" ? nullptr : labels[1] == "Throttled" ? "throttles" : "errors";
    if (kind) f[kind] = f[kind].get<std::uint64_t>() + n;
  });
  for (const auto& [name, count] : invoker.running()) tally(name)["running"] = count;
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
