#include "emulator/store/sqlite_outbox.h"

#include <algorithm>

namespace bf {

Status SqliteOutbox::enqueue(const std::vector<OutboxEntry>& entries) {
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      for (const auto& e : entries)
        if (auto s = insert_locked(e); !s) return s;
      return Status::ok();
    });
    if (!status) return status;
  }
  notify_enqueued();
  return Status::ok();
}

std::vector<OutboxEntry> SqliteOutbox::due_events(std::int64_t now_ms, std::size_t limit,
                                                  const std::vector<std::int64_t>& skip) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT id, function, payload, context, created_ms, due_ms, attempts FROM outbox "
              "WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?");
  s.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit + skip.size()));
  std::vector<OutboxEntry> out;
  while (s.step() == SQLITE_ROW && out.size() < limit) {
    std::int64_t id = s.integer(0);
    if (std::find(skip.begin(), skip.end(), id) != skip.end()) continue;
    out.push_back(OutboxEntry{id, s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5),
                              static_cast<int>(s.integer(6))});
  }
  return out;
}

std::optional<std::int64_t> SqliteOutbox::next_due_ms(std::int64_t after_ms) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT MIN(due_ms) FROM outbox WHERE due_ms > ?");
  s.bind(1, after_ms);
  if (s.step() != SQLITE_ROW || s.is_null(0)) return std::nullopt;
  return s.integer(0);
}

Status SqliteOutbox::reschedule_event(const OutboxEntry& e) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "UPDATE outbox SET attempts = ?, due_ms = ?, context = ? WHERE id = ?");
  s.bind(1, static_cast<std::int64_t>(e.attempts)).bind(2, e.due_ms).bind(3, e.context).bind(4, e.id);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("reschedule event");
}

Status SqliteOutbox::finish_event(std::int64_t id, const std::vector<OutboxEntry>& follow_ups) {
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      Statement d(db_.statements(), "DELETE FROM outbox WHERE id = ?");
      d.bind(1, id);
      if (d.step() != SQLITE_DONE) return db_.db_error("finish event");
      for (const auto& e : follow_ups)
        if (auto s = insert_locked(e); !s) return s;
      return Status::ok();
    });
    if (!status) return status;
  }
  if (!follow_ups.empty()) notify_enqueued();
  return Status::ok();
}

Status SqliteOutbox::finish_events(const std::vector<std::int64_t>& ids) {
  std::lock_guard lock(db_.mutex());
  return db_.in_transaction([&]() -> Status {
    for (std::int64_t id : ids) {
      Statement d(db_.statements(), "DELETE FROM outbox WHERE id = ?");
      d.bind(1, id);
      if (d.step() != SQLITE_DONE) return db_.db_error("finish event");
    }
    return Status::ok();
  });
}

std::size_t SqliteOutbox::pending_event_count() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT COUNT(*) FROM outbox");
  return s.step() == SQLITE_ROW ? static_cast<std::size_t>(s.integer(0)) : 0;
}

void SqliteOutbox::on_enqueue(std::function<void()> listener) {
  added_.listen(std::move(listener));
}

Status SqliteOutbox::insert_locked(const OutboxEntry& e) {
  Statement s(db_.statements(),
              "INSERT INTO outbox (function, payload, context, created_ms, due_ms, attempts) "
              "VALUES (?,?,?,?,?,?)");
  s.bind(1, e.function).bind(2, e.payload).bind(3, e.context).bind(4, e.created_ms);
  s.bind(5, e.due_ms).bind(6, static_cast<std::int64_t>(e.attempts));
  if (s.step() != SQLITE_DONE) return db_.db_error("enqueue event");
  added_.mark_locked();
  return Status::ok();
}

void SqliteOutbox::notify_enqueued() { added_.notify(db_.mutex()); }

}  // namespace bf
