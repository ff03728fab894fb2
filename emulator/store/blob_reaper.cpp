#include "emulator/store/blob_reaper.h"

namespace bf {

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
    std::lock_guard lock(mu_);
    for (auto& id : ids) queue_.push_back(std::move(id));
  }
  cv_.notify_all();
}

void BlobReaper::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    std::deque<std::string> batch;
    batch.swap(queue_);
    lock.unlock();
    for (const auto& id : batch) files_.remove(id);
    lock.lock();
  }
}

}  // namespace bf
