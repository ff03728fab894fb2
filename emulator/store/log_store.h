// Functions' logs as CloudWatch Logs keeps them: groups ("/aws/lambda/{name}"), streams within a
// group, and events (a timestamp, the time it was stored, one message). Events get increasing
// ids as they are appended, which order a stream and page through it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

struct LogEvent {
  std::string group;
  std::string stream;
  std::int64_t timestamp_ms = 0;
  std::int64_t ingestion_ms = 0;
  std::string message;
  std::int64_t id = 0;  // set by the store
};

struct LogGroupInfo {
  std::string name;
  std::int64_t created_ms = 0;
  int retention_days = 0;  // 0: the server's default
  std::uint64_t stored_bytes = 0;
};

struct LogStreamInfo {
  std::string name;
  std::int64_t created_ms = 0;
  std::int64_t first_event_ms = 0;
  std::int64_t last_event_ms = 0;
  std::int64_t last_ingestion_ms = 0;
  std::uint64_t stored_bytes = 0;
};

// Which events: of one group, of `streams` only when not empty, with a timestamp in
// [from_ms, to_ms), after the cursor (timestamp, id) in that order, at most `limit`.
struct LogEventQuery {
  std::string group;
  std::vector<std::string> streams;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
  std::int64_t after_timestamp_ms = INT64_MIN;
  std::int64_t after_id = 0;
  std::size_t limit = 1000;
};

class LogStore {
 public:
  virtual ~LogStore() = default;
  // Stores the events in one transaction, making their groups and streams as needed.
  virtual Status append(std::vector<LogEvent>& events) = 0;
  virtual std::vector<LogGroupInfo> groups() = 0;
  virtual bool has_group(const std::string& group) = 0;
  virtual std::vector<LogStreamInfo> streams(const std::string& group) = 0;
  // Of one stream, by id: after `after_id` going forward, or (backward) the last `limit`
  // before `before_id`; either way in order.
  virtual std::vector<LogEvent> stream_events(const std::string& group, const std::string& stream,
                                              std::int64_t from_ms, std::int64_t to_ms, std::int64_t after_id,
                                              std::int64_t before_id, std::size_t limit, bool backward) = 0;
  // Across a group's streams, in (timestamp, id) order.
  virtual std::vector<LogEvent> events(const LogEventQuery& query) = 0;
  // False when there is no such group.
  virtual bool set_retention(const std::string& group, int days) = 0;
  // Removes the events older than each group's retention (`default_days` where it has none)
  // as of `now_ms`, and the streams left empty. Returns how many events went.
  virtual std::size_t expire(std::int64_t now_ms, int default_days) = 0;
};

}  // namespace bf
