// Work the stored world owes at a time (a restore completing, a restored copy lapsing, the
// nightly lifecycle run), kept
// durably and indexed by due time, so moving the clock a year costs what falls due in that
// year, never a scan of every object per day.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

struct Timer {
  std::int64_t id = 0;
  std::int64_t due_ms = 0;
  std::string kind;     // what to do: named by the layer that sets it
  std::string subject;  // what to do it to, in that layer's words (JSON)
};

class Timers {
 public:
  virtual ~Timers() = default;

  virtual Status add(const std::vector<Timer>& timers) = 0;
  // Timers due by `now_ms`, earliest first (ties in the order they were added).
  virtual std::vector<Timer> due(std::int64_t now_ms, std::size_t limit) = 0;
  virtual std::optional<std::int64_t> next_due_ms() = 0;
  virtual Status remove(std::int64_t id) = 0;
  virtual std::size_t pending_timer_count() = 0;
  virtual std::size_t pending_of_kind(const std::string& kind) = 0;
  // Called after a commit that added timers (from any thread, without store locks).
  virtual void on_add(std::function<void()> listener) = 0;
};

}  // namespace bf
