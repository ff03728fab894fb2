// The outbox on the shared SQLite connection. Object writes add their entries inside their own
// transaction (insert_locked) and wake the invoker after it commits (notify_enqueued).
#pragma once
#include <functional>
#include <mutex>

#include "emulator/store/outbox.h"
#include "emulator/store/sqlite_db.h"

namespace bf {

class SqliteOutbox final : public Outbox {
 public:
  explicit SqliteOutbox(SqliteDb& db) : db_(db) {}

  Status enqueue(const std::vector<OutboxEntry>& entries) override;
  std::vector<OutboxEntry> due_events(std::int64_t now_ms, std::size_t limit,
                                      const std::vector<std::int64_t>& skip) override;
  std::optional<std::int64_t> next_due_ms(std::int64_t after_ms) override;
  Status reschedule_event(const OutboxEntry& e) override;
  Status finish_event(std::int64_t id, const std::vector<OutboxEntry>& follow_ups) override;
  Status finish_events(const std::vector<std::int64_t>& ids) override;
  std::size_t pending_event_count() override;
  void on_enqueue(std::function<void()> listener) override;

  // Adds one entry inside the caller's transaction; the caller holds the database's mutex.
  Status insert_locked(const OutboxEntry& e);
  // Wakes the invoker after a commit that added outbox rows. Call without the database's mutex.
  void notify_enqueued();

 private:
  SqliteDb& db_;
  AddedRows added_;
};

}  // namespace bf
