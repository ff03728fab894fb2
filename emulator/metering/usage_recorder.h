// The UsageMeter the edges report to: totals in memory per day, usage type, operation and
// resource, written to the usage store by a thread of its own every second (and on flush()),
// so a request pays a map update, never a database write.
#pragma once
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

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
  // Writes every total recorded so far (before a report, before the clock moves, at exit).
  Status flush();

 private:
  using Key = std::tuple<std::int64_t, std::string, std::string, std::string>;
  void run();

  UsageStore& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<Key, double> pending_;
  std::mutex flush_mu_;  // one flush at a time, so totals reach the store in order
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bf
