// What the emulator remembers of invocations: the recent ones (for GET
// /_bucketfire/invocations), each function's log text, and counters.
#pragma once
#include <atomic>
#include <cstdio>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bf {

struct InvocationRecord {
  std::int64_t time_ms = 0;
  std::string function;
  std::string request_id;
  std::string trigger;  // "invoke", "s3:ObjectCreated:Put", "destination:OnFailure", ...
  std::string status;   // Success, Unhandled, Timeout, Throttled, RecursionStopped, EventAgeExceeded
  double duration_ms = 0;
  int attempt = 1;
  std::string error_type;
  std::string error_message;
  std::int64_t enqueued_us = 0;  // when the event was queued (epoch microseconds), if queued
  std::int64_t started_us = 0;   // when the handler was called (epoch microseconds)
  std::string trace_header{};    // the invocation's (Parent: its segment); "" when it never ran
  std::string trace_caller{};    // the segment it was called from
  // The event it was given and what it answered (or its error document), each cut to
  // kMaxKeptPayload bytes: what the console shows of it.
  std::string event{};
  std::string response{};
  // Memory Size and Max Memory Used, as its REPORT line has them (0 when it never ran).
  int memory_size_mb = 0;
  int max_memory_used_mb = 0;
};

inline constexpr std::size_t kMaxKeptPayload = 4096;

class InvocationLog {
 public:
  // Lines are echoed to `console` (stdout for the server, stderr for `bucketfire invoke`).
  explicit InvocationLog(std::FILE* console) : console_(console) {}

  void add(InvocationRecord record);
  // Called with each record as it is added (metrics); set before invocations start.
  void on_add(std::function<void(const InvocationRecord&)> listener) { listener_ = std::move(listener); }
  // Newest first; only `function`'s when it is not empty.
  std::vector<InvocationRecord> recent(const std::string& function, std::size_t limit) const;
  // Those added after the one numbered `after` (oldest first, at most `limit`, the newest
  // kept), and the number of the last one added: what a follower asks for next.
  std::vector<InvocationRecord> added_after(std::uint64_t after, std::size_t limit, std::uint64_t& last) const;
  // The newest record of the invocation with that request id (its last attempt), if still kept.
  std::optional<InvocationRecord> find(const std::string& request_id) const;

  // One line of a function's log (CloudWatch-style stream), echoed to the console.
  void write_line(const std::string& function, std::string_view line);
  // Called with each line as it is written (the CloudWatch Logs store); set before invocations.
  void on_line(std::function<void(const std::string& function, std::string_view line)> listener) {
    line_listener_ = std::move(listener);
  }
  std::string function_log(const std::string& function) const;

  std::atomic<std::uint64_t> recursion_stopped{0};

 private:
  static constexpr std::size_t kMaxRecords = 1000;
  static constexpr std::size_t kMaxLogBytes = 256 * 1024;

  std::FILE* console_;
  std::function<void(const InvocationRecord&)> listener_;
  std::function<void(const std::string&, std::string_view)> line_listener_;
  mutable std::mutex mu_;
  std::deque<InvocationRecord> records_;
  std::uint64_t added_ = 0;  // records added so far; the last one's number
  struct FunctionLog {
    std::deque<std::string> lines;
    std::size_t bytes = 0;
  };
  std::map<std::string, FunctionLog> logs_;
};

}  // namespace bf
