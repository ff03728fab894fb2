// Usage kept for the cost report, durable like objects: totals per UTC day, usage type and
// resource, and the levels stored bytes (and monitored objects) hold, which accrue
// quantity-hours while they stand. Levels change inside the object writes' own transactions,
// so what a write stored and what it bills commit together.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/base/status.h"
#include "emulator/store/object_store.h"

namespace bf {

// A day's total of one usage type for one resource. Level-based usage (storage) is kept in
// quantity-hours (byte-hours, object-hours); the rest in the usage type's own unit.
struct UsageRow {
  std::int64_t day_ms = 0;  // the UTC day it fell in (its midnight)
  std::string usage_type;   // without the region's prefix
  std::string operation;
  std::string resource;     // an ARN
  double quantity = 0;
};

// What is held now: `quantity` (bytes, objects) standing since `since_ms`. What it accrued
// before that on the UTC day `day_ms` (the day of its last change) is `day_quantity`; what it
// accrued on earlier days is in the rows already.
struct UsageLevel {
  std::string usage_type;
  std::string operation;
  std::string resource;
  double quantity = 0;
  std::int64_t since_ms = 0;
  std::int64_t day_ms = 0;
  double day_quantity = 0;
};

// Part of a stored version's bill while it stands: `quantity` of a level (bytes, or 1 object).
struct LevelShare {
  std::string usage_type;
  std::string operation;
  std::string resource;
  double quantity = 0;
};

// What a stored version bills, worked out by the layer that knows what its classes and
// metadata mean. The store asks inside each write and applies the answer in its transaction.
class StorageBilling {
 public:
  virtual ~StorageBilling() = default;
  // The levels a version (current or not) or an upload's part holds while it is stored.
  virtual void shares_of(const ObjectRecord& version, std::vector<LevelShare>& out) const = 0;
  // One-off usage when a version leaves its class at `now_ms` (deleted, or moved to another
  // class): AWS's early-delete charge before a class's minimum storage duration.
  virtual void on_leaving(const ObjectRecord& before, const ObjectRecord* after, std::int64_t now_ms,
                          std::vector<UsageRow>& out) const = 0;
  // The time a change happens at: the stored world's clock.
  virtual std::int64_t now_ms() const = 0;
};

class UsageStore {
 public:
  virtual ~UsageStore() = default;
  // From now on, object writes keep storage levels as `billing` says (null: they do not).
  virtual void bill_storage_with(const StorageBilling* billing) = 0;
  // Adds each row's quantity to its day's total, all in one transaction.
  virtual Status add_usage(const std::vector<UsageRow>& rows) = 0;
  // Day totals for days from `from_ms`'s day up to (not including) `to_ms`, and every level.
  virtual std::vector<UsageRow> usage_between(std::int64_t from_ms, std::int64_t to_ms) = 0;
  virtual std::vector<UsageLevel> levels() = 0;
};

// The UTC day `ms` falls in (its midnight), and how `fn(day_ms, hours)` splits the span
// [from_ms, to_ms) over the days it covers.
std::int64_t utc_day_of(std::int64_t ms);
template <typename F>
void for_each_day(std::int64_t from_ms, std::int64_t to_ms, F&& fn) {
  constexpr std::int64_t kDay = 86'400'000;
  for (std::int64_t at = from_ms; at < to_ms;) {
    const std::int64_t day = utc_day_of(at);
    const std::int64_t end = std::min(day + kDay, to_ms);
    fn(day, static_cast<double>(end - at) / 3'600'000.0);
    at = end;
  }
}

}  // namespace bf
