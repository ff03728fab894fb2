// Usage rows and storage levels on the shared SQLite connection. The object writes call
// apply_locked inside their transactions, so a level moves exactly when the bytes do.
#pragma once
#include <atomic>

#include "emulator/store/sqlite_db.h"
#include "emulator/store/usage_store.h"

namespace bf {

class SqliteUsage final : public UsageStore {
 public:
  explicit SqliteUsage(SqliteDb& db) : db_(db) {}

  void bill_storage_with(const StorageBilling* billing) override { billing_ = billing; }
  Status add_usage(const std::vector<UsageRow>& rows) override;
  std::vector<UsageRow> usage_between(std::int64_t from_ms, std::int64_t to_ms) override;
  std::vector<UsageLevel> levels() override;

  // A stored version (or part) appears, goes or changes: `before` and `after` are the rows as
  // they were and are (null for none). `leaving_charges` is false when the bytes only move
  // on (an upload's parts becoming its object), so no early-delete charge applies.
  Status apply_locked(const ObjectRecord* before, const ObjectRecord* after,
                      bool leaving_charges = true);
  bool active() const { return billing_ != nullptr; }

 private:
  Status add_locked(const UsageRow& row);
  // `level.quantity` is unused: `delta` is the change.
  Status shift_level_locked(const LevelShare& level, double delta, std::int64_t now_ms);

  SqliteDb& db_;
  std::atomic<const StorageBilling*> billing_{nullptr};
};

}  // namespace bf
