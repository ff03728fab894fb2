#include "emulator/internal/event_stream.h"

#include <chrono>

#include "emulator/base/time.h"
#include "emulator/base/trace.h"

namespace bf {

namespace {

constexpr auto kTick = std::chrono::milliseconds(250);
constexpr int kCountersEvery = 8;  // ticks: every 2 s
constexpr std::size_t kMostPerEvent = 500;

std::string event(const char* name, const Json& data) {
  return std::string("event: ") + name + "\ndata: " + to_text(data) + "\n\n";
}

}  // namespace

Json invocation_json(const InvocationRecord& r) {
  Json item{{"time", iso8601_ms(r.time_ms)}, {"function", r.function}, {"requestId", r.request_id},
            {"trigger", r.trigger},          {"status", r.status},     {"durationMs", r.duration_ms},
            {"attempt", r.attempt}};
  if (!r.error_type.empty()) item["errorType"] = r.error_type;
  if (!r.error_message.empty()) item["errorMessage"] = r.error_message;
  if (r.enqueued_us) item["enqueuedUs"] = r.enqueued_us;
  if (r.started_us) item["startedUs"] = r.started_us;
  if (!r.trace_header.empty()) item["traceId"] = TraceHeader::parse(r.trace_header).root;
  if (r.memory_size_mb) {
    item["memorySizeMb"] = r.memory_size_mb;
    item["maxMemoryUsedMb"] = r.max_memory_used_mb;
  }
  return item;
}

EventStreams::~EventStreams() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_.notify_all();
  for (auto& t : threads_) t.join();
}

HttpResponse EventStreams::open() {
  auto pipe = std::make_shared<BodyPipe>(256 * 1024);
  HttpResponse res;
  res.set_header("Content-Type", "text/event-stream");
  res.set_header("Cache-Control", "no-store");
  res.body = PipedBody{pipe, std::nullopt};
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      pipe->close(true);
      return res;
    }
    threads_.emplace_back([this, pipe] { run(pipe); });
  }
  return res;
}

void EventStreams::run(std::shared_ptr<BodyPipe> pipe) {
  std::uint64_t seen = 0;
  (void)log_.added_after(UINT64_MAX, 0, seen);  // from now on
  pipe->write(": bucketfire events\n\n");
  for (int tick = 0;; ++tick) {
    {
      std::unique_lock lock(mu_);
      if (stop_.wait_for(lock, kTick, [&] { return stopping_; })) break;
    }
    if (pipe->abandoned() || (server_stopping_ && server_stopping_())) break;
    if (pipe->full()) continue;  // a client that does not read gets nothing more until it does
    std::uint64_t last = seen;
    const auto records = log_.added_after(seen, kMostPerEvent, last);
    if (!records.empty()) {
      Json list = Json::array();
      for (const auto& r : records) list.push_back(invocation_json(r));
      pipe->write(event("invocations", Json{{"invocations", list}, {"skipped", last - seen - records.size()}}));
    }
    seen = last;
    if (tick % kCountersEvery == 0 && counters_) pipe->write(event("counters", counters_()));
  }
  pipe->close(true);
}

}  // namespace bf
