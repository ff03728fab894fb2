#include "emulator/store/blob_reaper.h"

namespace bf {

namespace {
// About 5 MB of ids: beyond it a writer waits for the files to catch up.
constexpr std::size_t kMaxQueued = 50'000;
constexpr std::size_t kBatch = 500;
}  // namespace

BlobReaper::BlobReaper(const BlobFiles& files) : files_(files), thread_([this] { loop(); }) {}

BlobReaper::~BlobReaper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BlobReaper::remove_later(std::vector<std::string> ids) {
  {
    std::unique_lock lock(mu_);
    room_cv_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    for (auto& id : ids) queue_.push_back(std::move(id));
  }
  cv_.notify_all();
}

void BlobReaper::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    // A batch at a time: one lock and one wake-up of a waiting writer per batch.
    std::vector<std::string> batch;
    while (!queue_.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    room_cv_.notify_all();
    for (const auto& id : batch) files_.remove(id);
    lock.lock();
  }
}

}  // namespace bf
