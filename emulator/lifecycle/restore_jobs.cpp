#include "emulator/lifecycle/restore_jobs.h"

#include "emulator/s3/object_meta.h"
#include "emulator/s3/restore.h"

namespace bf {

namespace {

// The object version a timer names, as it is now; nothing when it has gone or been replaced.
std::optional<ObjectRecord> find_named(ObjectStore& objects, const ObjectRef& ref) {
  auto current = objects.find_object(ref.bucket, ref.key);
  if (current && ref.names(*current)) return current;
  auto version = objects.open_version(ref.bucket, ref.key, ref.version_id);
  if (version && ref.names(version->first)) return std::move(version->first);
  return std::nullopt;
}

// Records `change_meta`'s result for the version the timer names, with `event`.
void apply(const Timer& timer, ObjectStore& objects, BucketViews& buckets, ChangeObserver* observer,
           const char* event,
           const std::function<bool(const Timer&, ObjectRecord&, ObjectMeta&)>& change) {
  auto ref = parse_timer_subject(timer.subject);
  if (!ref) return;
  auto object = find_named(objects, *ref);
  if (!object) return;
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  if (!change(timer, *object, meta)) return;  // not the restore this timer was set for
  auto bucket = buckets.find(ref->bucket);
  if (!bucket) return;
  object->meta = meta.to_json();
  ChangeEvents events = observer ? observer->events_for(s3_origin(), *bucket, event) : ChangeEvents{};
  objects.update_object(*object, events);
}

}  // namespace

EventOrigin s3_origin() {
  EventOrigin origin;
  origin.request_id = new_request_id();
  origin.source_ip = "s3.amazonaws.com";
  origin.principal_id = "s3.amazonaws.com";
  return origin;
}

void handle_restore_timers(Timekeeper& timekeeper, ObjectStore& objects, BucketViews& buckets,
                           ChangeObserver* observer) {
  timekeeper.handle(kRestoreCompletedTimer, [&objects, &buckets, observer](const Timer& timer) {
    apply(timer, objects, buckets, observer, "ObjectRestore:Completed",
          [](const Timer& t, ObjectRecord& object, ObjectMeta& meta) {
            if (!meta.restore || meta.restore->completes_ms != t.due_ms) return false;
            if (object.storage_class == "INTELLIGENT_TIERING") {
              // Intelligent-Tiering restores the object itself, with no copy to lapse: it is
              // back in Frequent Access, as if just read.
              meta.access_tier.clear();
              meta.restore.reset();
              object.last_access_ms = t.due_ms;
            } else {
              meta.restore->copy_ready = true;
            }
            return true;
          });
  });
  timekeeper.handle(kRestoreLapsedTimer, [&objects, &buckets, observer](const Timer& timer) {
    apply(timer, objects, buckets, observer, "ObjectRestore:Delete",
          [](const Timer& t, ObjectRecord&, ObjectMeta& meta) {
            if (!meta.restore || meta.restore->expires_ms != t.due_ms) return false;
            meta.restore.reset();  // the temporary copy is gone; the archived object stays
            return true;
          });
  });
}

}  // namespace bf
