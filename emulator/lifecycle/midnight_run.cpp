#include "emulator/lifecycle/midnight_run.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "emulator/s3/lifecycle_rules.h"
#include "sdk/json.h"

namespace bf {

namespace {

std::string run_subject(std::optional<std::int64_t> previous_ms) {
  return to_text(nlohmann::json{{"previous", previous_ms ? nlohmann::json(*previous_ms) : nlohmann::json()}});
}

std::optional<std::int64_t> previous_of(const std::string& subject) {
  auto j = nlohmann::json::parse(subject, nullptr, false);
  if (!j.is_object() || !j.contains("previous") || !j["previous"].is_number_integer()) return std::nullopt;
  return j["previous"].get<std::int64_t>();
}

void run_all(const StoredWorld& world, const Timer& timer) {
  const std::optional<std::int64_t> previous = previous_of(timer.subject);
  const std::int64_t run_ms = timer.due_ms;
  RunTally total;
  for (const auto& record : world.buckets.list_buckets()) {
    auto view = world.views.find(record.name);
    if (!view) continue;  // deleted meanwhile
    RunTally t = run_bucket_tiering(world, *view, previous, run_ms);
    if (view->lifecycle) {
      RunTally l = run_bucket_lifecycle(world, *view, previous, run_ms);
      t.transitions += l.transitions;
      t.expirations += l.expirations;
      t.aborted_uploads += l.aborted_uploads;
    }
    total.transitions += t.transitions;
    total.expirations += t.expirations;
    total.tier_moves += t.tier_moves;
    total.aborted_uploads += t.aborted_uploads;
  }
  // The next run: tomorrow's midnight, or the next one to come when the server was down for
  // longer (that run then covers the days in between).
  const std::int64_t next = std::max(midnight_after(run_ms, 0), midnight_after(world.clock.now_ms(), 0));
  world.timers.add({Timer{0, next, kMidnightRunTimer, run_subject(run_ms)}});
  if (total.transitions || total.expirations || total.tier_moves || total.aborted_uploads)
    std::fprintf(stderr,
                 "bucketfire: lifecycle run at %lld: %zu transitions, %zu expirations, %zu tier "
                 "moves, %zu uploads aborted\n",
                 static_cast<long long>(run_ms), total.transitions, total.expirations,
                 total.tier_moves, total.aborted_uploads);
}

}  // namespace

void handle_midnight_runs(Timekeeper& timekeeper, const StoredWorld& world) {
  timekeeper.handle(kMidnightRunTimer, [world](const Timer& timer) { run_all(world, timer); });
  if (world.timers.pending_of_kind(kMidnightRunTimer) == 0)
    world.timers.add({Timer{0, midnight_after(world.clock.now_ms(), 0), kMidnightRunTimer,
                            run_subject(std::nullopt)}});
}

}  // namespace bf
