// The archival storage classes: which objects must be restored before they can be read, how
// long a restore takes, and how long the restored copy stays. Pure functions of the object's
// class, its restore state and the time, so HEAD, GET and the scheduler agree.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace bf {

// A restore as the object's metadata keeps it. `completes_ms` is when the temporary copy is
// ready; `expires_ms` when it goes (0 while the restore runs, and for Intelligent-Tiering,
// whose restores move the object back to Frequent Access instead of copying it).
struct RestoreState {
  std::string tier;  // Expedited, Standard, Bulk
  int days = 0;
  std::int64_t requested_ms = 0;
  std::int64_t completes_ms = 0;
  std::int64_t expires_ms = 0;
  // The temporary copy of an archived object exists (from completion until it lapses): the
  // restored bytes are stored, and billed, as well as the archived ones.
  bool copy_ready = false;

  bool ongoing(std::int64_t now_ms) const { return now_ms < completes_ms; }
  bool readable(std::int64_t now_ms) const {
    return !ongoing(now_ms) && (expires_ms == 0 || now_ms < expires_ms);
  }
};

// GLACIER and DEEP_ARCHIVE, and Intelligent-Tiering's two archive tiers.
bool is_archived(const std::string& storage_class, const std::string& access_tier);

// How long a restore at `tier` takes for the class (or tier), or nothing when AWS refuses that
// combination (Expedited from DEEP_ARCHIVE or Deep Archive Access). The upper end of AWS's
// published range, so code that waits is tested against the slow case.
std::optional<std::int64_t> restore_duration_ms(const std::string& storage_class,
                                                const std::string& access_tier,
                                                const std::string& tier);

// The restored copy's expiry: `days` after `from_ms`, rounded up to the next midnight UTC.
std::int64_t restore_expiry_ms(std::int64_t from_ms, int days);

// The x-amz-restore header for a restore in that state at `now_ms`.
std::string restore_header(const RestoreState& restore, std::int64_t now_ms);

}  // namespace bf
