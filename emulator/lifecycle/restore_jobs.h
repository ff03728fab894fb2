// The two moments after a RestoreObject: the restore completes (ObjectRestore:Completed) and,
// Days later, the restored copy lapses (ObjectRestore:Delete). Each is a timer the restore set.
#pragma once
#include "emulator/lifecycle/timekeeper.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/change_observer.h"
#include "emulator/store/object_store.h"

namespace bf {

// Registers the restore timers' actions. `observer` may be null (no events).
void handle_restore_timers(Timekeeper& timekeeper, ObjectStore& objects, BucketViews& buckets,
                           ChangeObserver* observer);

// Who S3 itself is in the events of changes it makes on its own.
EventOrigin s3_origin();

}  // namespace bf
