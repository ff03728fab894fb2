// Functions' log lines into the log store as Lambda sends them to CloudWatch Logs: group
// "/aws/lambda/{function}", a stream per function per server start and UTC day
// ("2026/12/07/[$LATEST]" and 32 hex digits, as Lambda names an environment's stream), each line
// one event stamped with the server's clock (virtual or real). Lines are kept in memory and
// written every 200 ms in one transaction, so a crash loses at most that much; as the clock
// passes, events older than their group's retention are removed.
#pragma once
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/store/log_store.h"

namespace bf {

class LogRecorder {
 public:
  // `retention_days`: how long a group keeps events when it has no retention policy (> 0).
  LogRecorder(LogStore& store, const Clock& clock, int retention_days);
  ~LogRecorder();  // writes what is still in memory

  static std::string group_of(const std::string& function) { return "/aws/lambda/" + function; }

  void line(const std::string& function, std::string_view text);
  // Writes what is in memory now (before a read, so it sees every line written so far).
  void flush();
  int retention_days() const { return retention_days_; }

 private:
  void run();
  std::string stream_for(const std::string& function, std::int64_t now_ms);  // under mu_

  LogStore& store_;
  const Clock& clock_;
  const int retention_days_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<LogEvent> pending_;
  struct Stream {
    std::int64_t day = -1;
    std::string name;
  };
  std::map<std::string, Stream> streams_;  // by function
  std::mutex write_mu_;  // one flush at a time, so events are stored in the order they came
  std::int64_t expired_at_ms_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace bf
