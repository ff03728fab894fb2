#include "emulator/logs/log_recorder.h"

#include <chrono>
#include <random>

#include "emulator/base/time.h"

namespace bf {

namespace {

constexpr auto kWriteEvery = std::chrono::milliseconds(200);
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kExpireEveryMs = 60 * 1000;  // of the server's clock

std::string random_hex32() {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  for (int i = 0; i < 32; ++i) out += kHex[rng() & 15];
  return out;
}

}  // namespace

LogRecorder::LogRecorder(LogStore& store, const Clock& clock, int retention_days)
    : store_(store), clock_(clock), retention_days_(retention_days) {
  writer_ = std::thread([this] { run(); });
}

LogRecorder::~LogRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  flush();
}

std::string LogRecorder::stream_for(const std::string& function, std::int64_t now_ms) {
  Stream& stream = streams_[function];
  const std::int64_t day = now_ms / kDayMs;
  if (stream.day != day) {
    stream.day = day;
    stream.name = format_utc_ms(now_ms, "%Y/%m/%d/") + "[$LATEST]" + random_hex32();
  }
  return stream.name;
}

void LogRecorder::line(const std::string& function, std::string_view text) {
  const std::int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  LogEvent event;
  event.group = group_of(function);
  event.stream = stream_for(function, now);
  event.timestamp_ms = now;
  event.ingestion_ms = now;
  event.message = std::string(text) + "\n";  // Lambda's log events end with their line's newline
  pending_.push_back(std::move(event));
}

void LogRecorder::flush() {
  std::lock_guard write_lock(write_mu_);
  std::vector<LogEvent> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  (void)store_.append(batch);  // a failed write loses these lines, never the server
  const std::int64_t now = clock_.now_ms();
  if (now - expired_at_ms_ >= kExpireEveryMs || now < expired_at_ms_) {
    expired_at_ms_ = now;
    store_.expire(now, retention_days_);
  }
}

void LogRecorder::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, kWriteEvery, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace bf
