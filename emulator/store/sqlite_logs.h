// The LogStore on the shared SQLite connection: log_groups, log_streams (with their first and
// last event times and bytes, kept as events arrive) and log_events.
#pragma once
#include "emulator/store/log_store.h"
#include "emulator/store/sqlite_db.h"

namespace bf {

class SqliteLogs final : public LogStore {
 public:
  explicit SqliteLogs(SqliteDb& db) : db_(db) {}

  Status append(std::vector<LogEvent>& events) override;
  std::vector<LogGroupInfo> groups() override;
  bool has_group(const std::string& group) override;
  std::vector<LogStreamInfo> streams(const std::string& group) override;
  std::vector<LogEvent> stream_events(const std::string& group, const std::string& stream, std::int64_t from_ms,
                                      std::int64_t to_ms, std::int64_t after_id, std::int64_t before_id,
                                      std::size_t limit, bool backward) override;
  std::vector<LogEvent> events(const LogEventQuery& query) override;
  bool set_retention(const std::string& group, int days) override;
  std::size_t expire(std::int64_t now_ms, int default_days) override;

 private:
  SqliteDb& db_;
};

}  // namespace bf
