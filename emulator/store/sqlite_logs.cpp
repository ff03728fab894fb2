#include "emulator/store/sqlite_logs.h"

#include <algorithm>

namespace bf {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

LogEvent read_event(Statement& s) {
  LogEvent e;
  e.id = s.integer(0);
  e.group = s.text(1);
  e.stream = s.text(2);
  e.timestamp_ms = s.integer(3);
  e.ingestion_ms = s.integer(4);
  e.message = s.text(5);
  return e;
}

constexpr const char* kEventColumns = "id, log_group, stream, ts_ms, ingestion_ms, message";

}  // namespace

Status SqliteLogs::append(std::vector<LogEvent>& events) {
  if (events.empty()) return Status::ok();
  std::lock_guard lock(db_.mutex());
  return db_.in_transaction([&]() -> Status {
    for (LogEvent& e : events) {
      Statement group(db_.statements(), "INSERT OR IGNORE INTO log_groups (name, created_ms) VALUES (?, ?)");
      group.bind(1, e.group).bind(2, e.ingestion_ms);
      if (group.step() != SQLITE_DONE) return db_.db_error("add log group");
      Statement stream(db_.statements(),
                       "INSERT INTO log_streams (log_group, name, created_ms, first_ms, last_ms, last_ingestion_ms, "
                       "bytes) VALUES (?1, ?2, ?3, ?4, ?4, ?3, ?5) ON CONFLICT (log_group, name) DO UPDATE SET "
                       "first_ms = min(first_ms, ?4), last_ms = max(last_ms, ?4), last_ingestion_ms = ?3, "
                       "bytes = bytes + ?5");
      stream.bind(1, e.group).bind(2, e.stream).bind(3, e.ingestion_ms).bind(4, e.timestamp_ms);
      stream.bind(5, static_cast<std::int64_t>(e.message.size()));
      if (stream.step() != SQLITE_DONE) return db_.db_error("add log stream");
      Statement event(db_.statements(),
                      "INSERT INTO log_events (log_group, stream, ts_ms, ingestion_ms, message) VALUES (?, ?, ?, ?, ?)");
      event.bind(1, e.group).bind(2, e.stream).bind(3, e.timestamp_ms).bind(4, e.ingestion_ms).bind(5, e.message);
      if (event.step() != SQLITE_DONE) return db_.db_error("add log event");
      e.id = db_.last_insert_id();
    }
    return Status::ok();
  });
}

std::vector<LogGroupInfo> SqliteLogs::groups() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT g.name, g.created_ms, g.retention_days, coalesce((SELECT sum(bytes) FROM log_streams "
              "WHERE log_group = g.name), 0) FROM log_groups g ORDER BY g.name");
  std::vector<LogGroupInfo> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({s.text(0), s.integer(1), static_cast<int>(s.integer(2)), static_cast<std::uint64_t>(s.integer(3))});
  return out;
}

bool SqliteLogs::has_group(const std::string& group) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT 1 FROM log_groups WHERE name = ?");
  s.bind(1, group);
  return s.step() == SQLITE_ROW;
}

std::vector<LogStreamInfo> SqliteLogs::streams(const std::string& group) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT name, created_ms, first_ms, last_ms, last_ingestion_ms, bytes FROM log_streams "
              "WHERE log_group = ? ORDER BY name");
  s.bind(1, group);
  std::vector<LogStreamInfo> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({s.text(0), s.integer(1), s.integer(2), s.integer(3), s.integer(4),
                   static_cast<std::uint64_t>(s.integer(5))});
  return out;
}

std::vector<LogEvent> SqliteLogs::stream_events(const std::string& group, const std::string& stream,
                                                std::int64_t from_ms, std::int64_t to_ms, std::int64_t after_id,
                                                std::int64_t before_id, std::size_t limit, bool backward) {
  std::lock_guard lock(db_.mutex());
  const std::string sql = std::string("SELECT ") + kEventColumns +
                          " FROM log_events WHERE log_group = ? AND stream = ? AND ts_ms >= ? AND ts_ms < ? "
                          "AND id > ? AND id < ? ORDER BY id " + (backward ? "DESC" : "ASC") + " LIMIT ?";
  Statement s(db_.statements(), sql.c_str());
  s.bind(1, group).bind(2, stream).bind(3, from_ms).bind(4, to_ms).bind(5, after_id).bind(6, before_id);
  s.bind(7, static_cast<std::int64_t>(limit));
  std::vector<LogEvent> out;
  while (s.step() == SQLITE_ROW) out.push_back(read_event(s));
  if (backward) std::reverse(out.begin(), out.end());
  return out;
}

std::vector<LogEvent> SqliteLogs::events(const LogEventQuery& q) {
  std::lock_guard lock(db_.mutex());
  // Streams narrow the rows in code: a list of names is short, and the group's time index
  // does the rest.
  const std::string sql = std::string("SELECT ") + kEventColumns +
                          " FROM log_events WHERE log_group = ?1 AND ts_ms >= ?2 AND ts_ms < ?3 "
                          "AND (ts_ms, id) > (?4, ?5) ORDER BY ts_ms, id LIMIT ?6";
  std::vector<LogEvent> out;
  std::int64_t after_ts = q.after_timestamp_ms;
  std::int64_t after_id = q.after_id;
  while (out.size() < q.limit) {
    Statement s(db_.statements(), sql.c_str());
    const std::size_t page = std::max<std::size_t>(q.limit * (q.streams.empty() ? 1 : 4), 100);
    s.bind(1, q.group).bind(2, q.from_ms).bind(3, q.to_ms).bind(4, after_ts).bind(5, after_id);
    s.bind(6, static_cast<std::int64_t>(page));
    std::size_t rows = 0;
    while (s.step() == SQLITE_ROW && out.size() < q.limit) {
      ++rows;
      LogEvent e = read_event(s);
      after_ts = e.timestamp_ms;
      after_id = e.id;
      if (q.streams.empty() || std::find(q.streams.begin(), q.streams.end(), e.stream) != q.streams.end())
        out.push_back(std::move(e));
    }
    if (rows < page) break;
  }
  return out;
}

bool SqliteLogs::set_retention(const std::string& group, int days) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "UPDATE log_groups SET retention_days = ? WHERE name = ?");
  s.bind(1, static_cast<std::int64_t>(days)).bind(2, group);
  return s.step() == SQLITE_DONE && db_.changes() > 0;
}

std::size_t SqliteLogs::expire(std::int64_t now_ms, int default_days) {
  std::vector<LogGroupInfo> all = groups();
  std::lock_guard lock(db_.mutex());
  std::size_t removed = 0;
  (void)db_.in_transaction([&]() -> Status {
    for (const auto& g : all) {
      const int days = g.retention_days > 0 ? g.retention_days : default_days;
      if (days <= 0) continue;
      const std::int64_t cutoff = now_ms - days * kDayMs;
      Statement events(db_.statements(), "DELETE FROM log_events WHERE log_group = ? AND ts_ms < ?");
      events.bind(1, g.name).bind(2, cutoff);
      if (events.step() != SQLITE_DONE) return db_.db_error("expire log events");
      const int gone = db_.changes();
      removed += static_cast<std::size_t>(gone);
      if (gone == 0) continue;
      Statement bytes(db_.statements(),
                      "UPDATE log_streams SET bytes = (SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) "
                      "FROM log_events e WHERE e.log_group = log_streams.log_group AND e.stream = log_streams.name) "
                      "WHERE log_group = ?");
      bytes.bind(1, g.name);
      if (bytes.step() != SQLITE_DONE) return db_.db_error("count log bytes");
      Statement streams(db_.statements(), "DELETE FROM log_streams WHERE log_group = ? AND last_ms < ?");
      streams.bind(1, g.name).bind(2, cutoff);
      if (streams.step() != SQLITE_DONE) return db_.db_error("expire log streams");
    }
    return Status::ok();
  });
  return removed;
}

}  // namespace bf
