// The UsageMeter the edges report to: totals in memory per day, usage type, operation and
// resource, written to the usage store by a thread of its own every second (and on flush()).
// A request pays a map update on its own thread's shard (an uncontended lock, no allocation
// once its key is there), never a database write.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/usage_meter.h"
#include "emulator/store/usage_store.h"

namespace bf {

class UsageRecorder final : public UsageMeter {
 public:
  UsageRecorder(UsageStore& store, const Clock& clock);
  ~UsageRecorder() override;  // flushes what is left
  UsageRecorder(const UsageRecorder&) = delete;
  UsageRecorder& operator=(const UsageRecorder&) = delete;

  void record(std::string_view usage_type, std::string_view operation, std::string_view resource,
              double quantity) override;
  // Writes every total recorded so far (before a report, at exit).
  Status flush();

 private:
  struct Key {
    std::int64_t day_ms;
    std::string_view usage_type, operation, resource;  // into the map's own strings once stored
  };
  struct Total {
    std::string usage_type, operation, resource;
    double quantity = 0;
  };
  struct KeyLess {
    using is_transparent = void;
    bool operator()(const Key& a, const Key& b) const {
      if (a.day_ms != b.day_ms) return a.day_ms < b.day_ms;
      if (a.usage_type != b.usage_type) return a.usage_type < b.usage_type;
      if (a.operation != b.operation) return a.operation < b.operation;
      return a.resource < b.resource;
    }
  };
  // One thread's totals: its lock is taken by that thread and by the flush only.
  struct Shard {
    std::mutex mu;
    std::map<Key, std::unique_ptr<Total>, KeyLess> totals;
  };
  Shard& shard_of_this_thread();
  void add(const Key& key, double quantity);
  void run();

  UsageStore& store_;
  const Clock& clock_;
  const std::uint64_t id_;  // tells this recorder's shards from another's in a thread
  std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex flush_mu_;  // one flush at a time
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bf
