// What a restore leaves for later: a timer for when it completes and one for when its copy
// lapses (store/timers.h), naming the exact object version they are for.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "emulator/s3/archive.h"
#include "emulator/store/object_store.h"
#include "emulator/store/timers.h"

namespace bf {

inline constexpr const char* kRestoreCompletedTimer = "restore-completed";
inline constexpr const char* kRestoreLapsedTimer = "restore-lapsed";

// One object version, as a timer names it: the blob tells a later write to the same key apart.
struct ObjectRef {
  std::string bucket;
  std::string key;
  std::string version_id;
  std::string blob_id;

  bool names(const ObjectRecord& object) const {
    return object.bucket == bucket && object.key == key && object.version_id == version_id &&
           object.blob_id == blob_id;
  }
};

std::string to_timer_subject(const ObjectRef& ref);
std::optional<ObjectRef> parse_timer_subject(const std::string& subject);

// The timers of a restore just started (`completed` false) or just extended (true).
std::vector<Timer> restore_timers(const ObjectRecord& object, const RestoreState& restore,
                                  bool completed);

}  // namespace bf
