#include "emulator/store/sqlite_usage.h"

#include <cmath>
#include <map>
#include <tuple>
#include <utility>

namespace bf {

std::int64_t utc_day_of(std::int64_t ms) {
  constexpr std::int64_t kDay = 86'400'000;
  std::int64_t day = ms / kDay;
  if (ms % kDay < 0) --day;  // before 1970 (never in practice; kept exact anyway)
  return day * kDay;
}

Status SqliteUsage::add_usage(const std::vector<UsageRow>& rows) {
  if (rows.empty()) return Status::ok();
  std::lock_guard lock(db_.mutex());
  return db_.in_transaction([&]() -> Status {
    for (const auto& row : rows)
      if (auto s = add_locked(row); !s) return s;
    return Status::ok();
  });
}

std::vector<UsageRow> SqliteUsage::usage_between(std::int64_t from_ms, std::int64_t to_ms) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT day_ms, usage_type, operation, resource, quantity FROM usage "
              "WHERE day_ms >= ? AND day_ms < ? ORDER BY day_ms, usage_type, operation, resource");
  s.bind(1, utc_day_of(from_ms)).bind(2, to_ms);
  std::vector<UsageRow> rows;
  while (s.step() == SQLITE_ROW) rows.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.real(4)});
  return rows;
}

std::vector<UsageLevel> SqliteUsage::levels() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT usage_type, operation, resource, quantity, since_ms FROM usage_levels "
              "ORDER BY usage_type, operation, resource");
  std::vector<UsageLevel> levels;
  while (s.step() == SQLITE_ROW) levels.push_back({s.text(0), s.text(1), s.text(2), s.real(3), s.integer(4)});
  return levels;
}

Status SqliteUsage::apply_locked(const ObjectRecord* before, const ObjectRecord* after,
                                 bool leaving_charges) {
  const StorageBilling* billing = billing_.load();
  if (!billing) return Status::ok();
  std::vector<LevelShare> was, is;
  if (before) billing->shares_of(*before, was);
  if (after) billing->shares_of(*after, is);
  // Net change per level: an update that leaves a version where it was moves nothing.
  std::map<std::tuple<std::string, std::string, std::string>, double> delta;
  for (const auto& s : was) delta[{s.usage_type, s.operation, s.resource}] -= s.quantity;
  for (const auto& s : is) delta[{s.usage_type, s.operation, s.resource}] += s.quantity;
  const std::int64_t now = billing->now_ms();
  for (const auto& [level, change] : delta)
    if (change != 0)
      if (auto s = shift_level_locked({std::get<0>(level), std::get<1>(level), std::get<2>(level)}, change, now); !s)
        return s;
  if (before && leaving_charges) {
    std::vector<UsageRow> once;
    billing->on_leaving(*before, after, now, once);
    for (const auto& row : once)
      if (auto s = add_locked(row); !s) return s;
  }
  return Status::ok();
}

Status SqliteUsage::add_locked(const UsageRow& row) {
  Statement s(db_.statements(),
              "INSERT INTO usage (day_ms, usage_type, operation, resource, quantity) VALUES (?,?,?,?,?) "
              "ON CONFLICT (day_ms, usage_type, operation, resource) "
              "DO UPDATE SET quantity = quantity + excluded.quantity");
  s.bind(1, row.day_ms).bind(2, row.usage_type).bind(3, row.operation).bind(4, row.resource);
  s.bind_real(5, row.quantity);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("add usage");
}

// What the level held since it last changed accrues (quantity × hours, split by day) before
// it takes its new quantity.
Status SqliteUsage::shift_level_locked(const LevelShare& level, double delta, std::int64_t now_ms) {
  double quantity = 0;
  std::int64_t since = now_ms;
  {
    Statement f(db_.statements(),
                "SELECT quantity, since_ms FROM usage_levels WHERE usage_type = ? AND operation = ? "
                "AND resource = ?");
    f.bind(1, level.usage_type).bind(2, level.operation).bind(3, level.resource);
    if (f.step() == SQLITE_ROW) {
      quantity = f.real(0);
      since = f.integer(1);
    }
  }
  if (quantity != 0 && now_ms > since) {
    Status status;
    for_each_day(since, now_ms, [&](std::int64_t day, double hours) {
      if (status) status = add_locked({day, level.usage_type, level.operation, level.resource, quantity * hours});
    });
    if (!status) return status;
  }
  quantity += delta;
  // Whole bytes and objects: a level that has come back to nothing is exactly zero.
  if (std::fabs(quantity) < 0.5) quantity = 0;
  Statement u(db_.statements(),
              "INSERT OR REPLACE INTO usage_levels (usage_type, operation, resource, quantity, since_ms) "
              "VALUES (?,?,?,?,?)");
  u.bind(1, level.usage_type).bind(2, level.operation).bind(3, level.resource).bind_real(4, quantity);
  u.bind(5, std::max(since, now_ms));
  return u.step() == SQLITE_DONE ? Status::ok() : db_.db_error("shift usage level");
}

}  // namespace bf
