// The nightly run S3 makes at midnight UTC: each bucket's lifecycle rules (transitions,
// expirations, noncurrent versions, expired delete markers, abandoned uploads) and
// Intelligent-Tiering's moves between access tiers. One durable timer carries the run from
// midnight to midnight, with the time of the run before it, so each run reads only the
// objects whose time fell due since (the store's time indexes), never every object.
#pragma once
#include <cstdint>
#include <optional>

#include "emulator/base/clock.h"
#include "emulator/base/usage_meter.h"
#include "emulator/lifecycle/timekeeper.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/change_observer.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"
#include "emulator/store/timers.h"

namespace bf {

inline constexpr const char* kMidnightRunTimer = "midnight-run";

// What the runs act on. `observer` may be null (no events).
struct StoredWorld {
  ObjectStore& objects;
  BucketStore& buckets;
  BucketViews& views;
  Timers& timers;
  const Clock& clock;
  ChangeObserver* observer;
  UsageMeter* meter = nullptr;  // transitions bill as requests; absent: not metered
};

// What one run did, for the log and the tests.
struct RunTally {
  std::size_t transitions = 0;
  std::size_t expirations = 0;
  std::size_t tier_moves = 0;
  std::size_t aborted_uploads = 0;
};

// Registers the run with the timekeeper and sets the first one (the next midnight) unless a
// run is already pending from before a restart.
void handle_midnight_runs(Timekeeper& timekeeper, const StoredWorld& world);

// One bucket's part of the run at `run_ms`, after the run at `previous_ms` (none: look at
// every object).
RunTally run_bucket_lifecycle(const StoredWorld& world, const BucketView& bucket,
                              std::optional<std::int64_t> previous_ms, std::int64_t run_ms);
RunTally run_bucket_tiering(const StoredWorld& world, const BucketView& bucket,
                            std::optional<std::int64_t> previous_ms, std::int64_t run_ms);

}  // namespace bf
