#include "emulator/metering/usage_recorder.h"

#include <chrono>
#include <cstdio>
#include <vector>

namespace bf {

namespace {
// How long a recorded request may wait in memory: what a kill -9 can lose.
constexpr std::chrono::seconds kFlushEvery{1};
}  // namespace

UsageRecorder::UsageRecorder(UsageStore& store, const Clock& clock) : store_(store), clock_(clock) {
  thread_ = std::thread([this] { run(); });
}

UsageRecorder::~UsageRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  flush();
}

void UsageRecorder::record(std::string_view usage_type, std::string_view operation,
                           std::string_view resource, double quantity) {
  Key key{utc_day_of(clock_.now_ms()), std::string(usage_type), std::string(operation), std::string(resource)};
  std::lock_guard lock(mu_);
  pending_[std::move(key)] += quantity;
}

Status UsageRecorder::flush() {
  std::lock_guard one(flush_mu_);
  std::map<Key, double> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(pending_);
  }
  if (taken.empty()) return Status::ok();
  std::vector<UsageRow> rows;
  rows.reserve(taken.size());
  for (auto& [key, quantity] : taken)
    rows.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), quantity});
  Status s = store_.add_usage(rows);
  if (!s) {
    // Kept for the next flush rather than lost.
    std::lock_guard lock(mu_);
    for (auto& [key, quantity] : taken) pending_[key] += quantity;
    std::fprintf(stderr, "bucketfire: usage not saved yet: %s\n", s.message().c_str());
  }
  return s;
}

void UsageRecorder::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kFlushEvery, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace bf
