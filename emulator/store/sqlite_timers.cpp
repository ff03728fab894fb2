#include "emulator/store/sqlite_timers.h"

namespace bf {

Status SqliteTimers::add(const std::vector<Timer>& timers) {
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      for (const auto& t : timers)
        if (auto s = insert_locked(t); !s) return s;
      return Status::ok();
    });
    if (!status) return status;
  }
  notify_added();
  return Status::ok();
}

std::vector<Timer> SqliteTimers::due(std::int64_t now_ms, std::size_t limit) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT id, due_ms, kind, subject FROM timers WHERE due_ms <= ? "
              "ORDER BY due_ms, id LIMIT ?");
  s.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Timer> out;
  while (s.step() == SQLITE_ROW) out.push_back(Timer{s.integer(0), s.integer(1), s.text(2), s.text(3)});
  return out;
}

std::optional<std::int64_t> SqliteTimers::next_due_ms() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT MIN(due_ms) FROM timers");
  if (s.step() != SQLITE_ROW || s.is_null(0)) return std::nullopt;
  return s.integer(0);
}

Status SqliteTimers::remove(std::int64_t id) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "DELETE FROM timers WHERE id = ?");
  s.bind(1, id);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("remove timer");
}

std::size_t SqliteTimers::pending_timer_count() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT COUNT(*) FROM timers");
  return s.step() == SQLITE_ROW ? static_cast<std::size_t>(s.integer(0)) : 0;
}

std::size_t SqliteTimers::pending_of_kind(const std::string& kind) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT COUNT(*) FROM timers WHERE kind = ?");
  s.bind(1, kind);
  return s.step() == SQLITE_ROW ? static_cast<std::size_t>(s.integer(0)) : 0;
}

void SqliteTimers::on_add(std::function<void()> listener) {
  added_.listen(std::move(listener));
}

Status SqliteTimers::insert_locked(const Timer& t) {
  Statement s(db_.statements(), "INSERT INTO timers (due_ms, kind, subject) VALUES (?,?,?)");
  s.bind(1, t.due_ms).bind(2, t.kind).bind(3, t.subject);
  if (s.step() != SQLITE_DONE) return db_.db_error("add timer");
  added_.mark_locked();
  return Status::ok();
}

void SqliteTimers::notify_added() { added_.notify(db_.mutex()); }

}  // namespace bf
