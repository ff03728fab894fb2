#include "emulator/metering/usage_recorder.h"

#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace bf {

namespace {
// How long a recorded request may wait in memory: what a kill -9 can lose.
constexpr std::chrono::seconds kFlushEvery{1};
std::atomic<std::uint64_t> next_recorder_id{1};
}  // namespace

UsageRecorder::UsageRecorder(UsageStore& store, const Clock& clock)
    : store_(store), clock_(clock), id_(next_recorder_id++) {
  thread_ = std::thread([this] { run(); });
}

UsageRecorder::~UsageRecorder() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  flush();
}

UsageRecorder::Shard& UsageRecorder::shard_of_this_thread() {
  // Recorder ids are never reused, so a thread's entry for a recorder gone is never looked up.
  thread_local std::unordered_map<std::uint64_t, Shard*> mine;
  Shard*& shard = mine[id_];
  if (!shard) {
    std::lock_guard lock(shards_mu_);
    shards_.push_back(std::make_unique<Shard>());
    shard = shards_.back().get();
  }
  return *shard;
}

void UsageRecorder::record(std::string_view usage_type, std::string_view operation,
                           std::string_view resource, double quantity) {
  add({utc_day_of(clock_.now_ms()), usage_type, operation, resource}, quantity);
}

void UsageRecorder::add(const Key& key, double quantity) {
  Shard& shard = shard_of_this_thread();
  std::lock_guard lock(shard.mu);
  auto it = shard.totals.find(key);
  if (it == shard.totals.end()) {
    auto total = std::make_unique<Total>(
        Total{std::string(key.usage_type), std::string(key.operation), std::string(key.resource), 0});
    const Key stored{key.day_ms, total->usage_type, total->operation, total->resource};
    it = shard.totals.emplace(stored, std::move(total)).first;
  }
  it->second->quantity += quantity;
}

Status UsageRecorder::flush() {
  std::lock_guard one(flush_mu_);
  std::vector<UsageRow> rows;
  {
    std::lock_guard lock(shards_mu_);
    for (auto& shard : shards_) {
      std::lock_guard shard_lock(shard->mu);
      for (auto& [key, total] : shard->totals)
        if (total->quantity != 0) {
          rows.push_back({key.day_ms, total->usage_type, total->operation, total->resource, total->quantity});
          total->quantity = 0;  // the key stays: the next request of its kind allocates nothing
        }
    }
  }
  if (rows.empty()) return Status::ok();
  Status s = store_.add_usage(rows);
  if (!s) {
    // Kept for the next flush rather than lost.
    for (const auto& row : rows) add({row.day_ms, row.usage_type, row.operation, row.resource}, row.quantity);
    std::fprintf(stderr, "bucketfire: usage not saved yet: %s\n", s.message().c_str());
  }
  return s;
}

void UsageRecorder::run() {
  std::unique_lock lock(wake_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, kFlushEvery, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    // Keys of days gone are dropped, so the maps hold about a day's kinds of usage.
    const std::int64_t today = utc_day_of(clock_.now_ms());
    {
      std::lock_guard shards(shards_mu_);
      for (auto& shard : shards_) {
        std::lock_guard shard_lock(shard->mu);
        std::erase_if(shard->totals, [&](const auto& entry) {
          return entry.first.day_ms < today && entry.second->quantity == 0;
        });
      }
    }
    lock.lock();
  }
}

}  // namespace bf
