// The emulator's own endpoints under /_bucketfire/: recent invocations, function logs, health,
// and the virtual clock. No signature is needed while the server binds loopback only; on any
// other address every request must be signed with the server's credentials.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <variant>

#include "emulator/base/clock.h"
#include "emulator/base/trace.h"
#include "emulator/http/message.h"
#include "emulator/http/target.h"
#include "emulator/internal/console_assets.h"
#include "emulator/internal/event_stream.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/metering/cost_report.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"
#include "emulator/store/outbox.h"
#include "sdk/signer.h"

namespace bf {

class InternalApi final : public Service {
 public:
  // `virtual_clock` is null unless the server runs with --clock virtual; `advance_clock` moves
  // it, running what falls due on the way and waking whatever waits on time.
  // `authorized` (when set) decides whether a request may be served: why not, or "".
  using Gate = std::function<std::string(const HttpRequest&)>;
  using AdvanceClock = std::function<void(std::chrono::milliseconds by)>;
  InternalApi(InvocationLog& log, Outbox& outbox, BucketStore& buckets, ObjectStore& objects,
              const Clock& clock, VirtualClock* virtual_clock, AdvanceClock advance_clock,
              Gate gate = {});
  Dispatch begin(const HttpRequest& request) override;
  // Answers /_bucketfire/cost (without it: 404).
  void set_cost_reporter(CostReporter* cost) { cost_ = cost; }
  // Answers GET /metrics and /_bucketfire/metrics with what `render` writes (Prometheus' text
  // format); without it: 404.
  void set_metrics(std::function<std::string()> render) { metrics_ = std::move(render); }
  // Answers /_bucketfire/traces (recent traces) and /_bucketfire/traces/{id} (one trace's
  // segment documents, in X-Ray's BatchGetTraces shape); without it: 404.
  void set_traces(const TraceStore* traces) { traces_ = traces; }
  // Answers /_bucketfire/architecture with what `describe` returns; without it: 404.
  void set_architecture(std::function<Json()> describe) { architecture_ = std::move(describe); }
  // Answers /_bucketfire/events (the console's live updates, server-sent events) with the
  // invocations as they end and what `counters` returns every 2 s; without it: 404.
  void set_event_streams(EventStreams* events) { events_ = events; }
  // Lets /_bucketfire/objects give each object a presigned download URL, signed with these
  // credentials for `region`, for the host the request came to (the console's own).
  void set_downloads(AwsCredentials credentials, std::string region) {
    download_credentials_ = std::move(credentials);
    download_region_ = std::move(region);
  }

 private:
  HttpResponse handle(const HttpRequest& request);

  InvocationLog& log_;
  Outbox& outbox_;
  BucketStore& buckets_;
  ObjectStore& objects_;
  const Clock& clock_;
  VirtualClock* virtual_clock_;
  AdvanceClock advance_clock_;
  Gate gate_;
  CostReporter* cost_ = nullptr;
  std::function<std::string()> metrics_;
  const TraceStore* traces_ = nullptr;
  std::function<Json()> architecture_;
  EventStreams* events_ = nullptr;
  std::optional<AwsCredentials> download_credentials_;
  std::string download_region_;
};

// The query of GET /_bucketfire/cost: from/to as "2026-01-31" or "2026-01-31T12:00:00Z",
// scale a positive number, free_tier true/false; an error names the bad parameter.
std::variant<CostQuery, std::string> parse_cost_query(const RequestTarget& target);

// "90s", "5m", "2h", "30d" -> milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace bf
