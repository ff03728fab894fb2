#include "emulator/store/sqlite_usage.h"

#include <cmath>
#include <map>
#include <tuple>
#include <utility>

namespace bf {

namespace {
constexpr std::int64_t kDayMs = 86'400'000;
constexpr double kHourMs = 3'600'000.0;
}  // namespace

std::int64_t utc_day_of(std::int64_t ms) {
  std::int64_t day = ms / kDayMs;
  if (ms % kDayMs < 0) --day;  // before 1970 (never in practice; kept exact anyway)
  return day * kDayMs;
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
              "SELECT usage_type, operation, resource, quantity, since_ms, day_ms, day_quantity "
              "FROM usage_levels ORDER BY usage_type, operation, resource");
  std::vector<UsageLevel> levels;
  while (s.step() == SQLITE_ROW)
    levels.push_back({s.text(0), s.text(1), s.text(2), s.real(3), s.integer(4), s.integer(5), s.real(6)});
  return levels;
}

Status SqliteUsage::apply_locked(const ObjectRecord* before, const ObjectRecord* after,
                                 bool leaving_charges) {
  const StorageBilling* billing = billing_.load();
  if (!billing) return Status::ok();
  // What a version bills depends on its bucket, class, size and metadata only: a change that
  // keeps them (a read's last-access time) moves nothing.
  if (before && after && before->bucket == after->bucket && before->storage_class == after->storage_class &&
      before->size == after->size && before->meta == after->meta && before->delete_marker == after->delete_marker)
    return Status::ok();
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

// What the level held since it last changed accrues (quantity × hours) before it takes its new
// quantity. Within the day of its last change (every change but a day's first) that is one
// statement on the level's row: the day's total is kept there and written out as a row only
// when a later day's change, or a report, needs it.
Status SqliteUsage::shift_level_locked(const LevelShare& level, double delta, std::int64_t now_ms) {
  const std::int64_t today = utc_day_of(now_ms);
  {
    Statement same_day(db_.statements(),
                       "UPDATE usage_levels SET day_quantity = day_quantity + quantity * (? - since_ms) / 3600000.0, "
                       "since_ms = ?, quantity = CASE WHEN abs(quantity + ?) < 0.5 THEN 0 ELSE quantity + ? END "
                       "WHERE usage_type = ? AND operation = ? AND resource = ? AND day_ms = ? AND since_ms <= ?");
    same_day.bind(1, now_ms).bind(2, now_ms).bind_real(3, delta).bind_real(4, delta);
    same_day.bind(5, level.usage_type).bind(6, level.operation).bind(7, level.resource);
    same_day.bind(8, today).bind(9, now_ms);
    if (same_day.step() != SQLITE_DONE) return db_.db_error("shift usage level");
    if (db_.changes()) return Status::ok();
  }
  // A new level, or the first change on a later day: the days before today are written out.
  double quantity = 0, day_quantity = 0;
  std::int64_t since = now_ms, day = today;
  {
    Statement f(db_.statements(),
                "SELECT quantity, since_ms, day_ms, day_quantity FROM usage_levels "
                "WHERE usage_type = ? AND operation = ? AND resource = ?");
    f.bind(1, level.usage_type).bind(2, level.operation).bind(3, level.resource);
    if (f.step() == SQLITE_ROW) {
      quantity = f.real(0);
      since = f.integer(1);
      day = f.integer(2);
      day_quantity = f.real(3);
    }
  }
  if (now_ms >= since && day < today) {
    // The old day's total, then every day up to today; today's part stays on the row.
    const double last_day = day_quantity + quantity * static_cast<double>(std::min(now_ms, day + kDayMs) - since) / kHourMs;
    Status status = last_day != 0 ? add_locked({day, level.usage_type, level.operation, level.resource, last_day})
                                  : Status::ok();
    for_each_day(day + kDayMs, today, [&](std::int64_t d, double hours) {
      if (status && quantity != 0) status = add_locked({d, level.usage_type, level.operation, level.resource, quantity * hours});
    });
    if (!status) return status;
    day_quantity = quantity * static_cast<double>(now_ms - std::max(since, today)) / kHourMs;
    day = today;
  } else if (now_ms >= since) {
    day_quantity += quantity * static_cast<double>(now_ms - since) / kHourMs;
  }
  // (A clock behind the level's time accrues nothing and keeps its time.)
  quantity += delta;
  // Whole bytes and objects: a level that has come back to nothing is exactly zero.
  if (std::fabs(quantity) < 0.5) quantity = 0;
  Statement u(db_.statements(),
              "INSERT OR REPLACE INTO usage_levels (usage_type, operation, resource, quantity, since_ms, day_ms, "
              "day_quantity) VALUES (?,?,?,?,?,?,?)");
  u.bind(1, level.usage_type).bind(2, level.operation).bind(3, level.resource).bind_real(4, quantity);
  u.bind(5, std::max(since, now_ms)).bind(6, day).bind_real(7, day_quantity);
  return u.step() == SQLITE_DONE ? Status::ok() : db_.db_error("shift usage level");
}

}  // namespace bf
