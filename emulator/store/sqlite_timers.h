// Timers on the shared SQLite connection. An object write may add timers inside its own
// transaction (insert_locked), so a restore and the timers that finish it commit together.
#pragma once
#include <functional>
#include <mutex>

#include "emulator/store/sqlite_db.h"
#include "emulator/store/timers.h"

namespace bf {

class SqliteTimers final : public Timers {
 public:
  explicit SqliteTimers(SqliteDb& db) : db_(db) {}

  Status add(const std::vector<Timer>& timers) override;
  std::vector<Timer> due(std::int64_t now_ms, std::size_t limit) override;
  std::optional<std::int64_t> next_due_ms() override;
  Status remove(std::int64_t id) override;
  std::size_t pending_timer_count() override;
  std::size_t pending_of_kind(const std::string& kind) override;
  void on_add(std::function<void()> listener) override;

  // Adds one timer inside the caller's transaction; the caller holds the database's mutex.
  Status insert_locked(const Timer& timer);
  // Tells the listener about timers added since the last call. Call without the mutex.
  void notify_added();

 private:
  SqliteDb& db_;
  AddedRows added_;
};

}  // namespace bf
