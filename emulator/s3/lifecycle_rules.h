// What a bucket's lifecycle configuration asks of one object at a time: pure functions of the
// rules, the object and the clock, shared by the midnight runs (what to do now), HEAD/GET/PUT
// (x-amz-expiration) and the tests. Days count as S3 counts them: the object's time plus the
// days, rounded up to the next midnight UTC.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/object_meta.h"
#include "emulator/store/object_store.h"

namespace bf {

// The midnight UTC on which something `days` after `from_ms` becomes due.
std::int64_t midnight_after(std::int64_t from_ms, int days);

// The rule applies to the object: enabled, and its filter (prefix, tags, sizes) matches.
bool rule_applies(const LifecycleRule& rule, const std::string& key, std::uint64_t size,
                  const Pairs& tags);

// When the current object expires, and by which rule (the earliest of the matching ones).
struct ExpirationDue {
  std::int64_t due_ms = 0;
  std::string rule_id;
};
std::optional<ExpirationDue> expiration_due(const LifecycleConfig& config, const ObjectRecord& object,
                                            const ObjectMeta& meta);
// The x-amz-expiration header for it.
std::string expiration_header(const ExpirationDue& due);

// The class the current object should have moved to by `now_ms` (the coldest transition due),
// or nothing when it stays where it is. Honours S3's order of classes and the minimum size.
std::optional<std::string> transition_due(const LifecycleConfig& config, const ObjectRecord& object,
                                          const ObjectMeta& meta, std::int64_t now_ms);

// What becomes of a noncurrent version by `now_ms`, given how many noncurrent versions of its
// key are newer than it.
struct NoncurrentAction {
  bool expire = false;
  std::string transition_to;  // when not expiring
};
std::optional<NoncurrentAction> noncurrent_due(const LifecycleConfig& config,
                                               const ObjectRecord& version, const ObjectMeta& meta,
                                               int newer_noncurrent, std::int64_t now_ms);

// Whether a lone delete marker (no versions left under it) is removed.
bool removes_expired_marker(const LifecycleConfig& config, const std::string& key);

// Whether an incomplete multipart upload started at `initiated_ms` is aborted by `now_ms`.
bool aborts_upload(const LifecycleConfig& config, const std::string& key, std::int64_t initiated_ms,
                   std::int64_t now_ms);

// The spans of time in which an object's time must lie for some action to fall due in the run
// at `run_ms` that follows the run at `previous_ms` (nothing: no earlier run). The runs read
// only these spans from the store's time indexes.
struct DueSpans {
  std::vector<TimeWindow> modified;    // current objects, by last modification
  std::vector<TimeWindow> noncurrent;  // versions and markers, by when they stopped being current
};
DueSpans due_spans(const LifecycleConfig& config, std::optional<std::int64_t> previous_ms,
                   std::int64_t run_ms);

// One span for an action `days` after an object's time: the objects whose due midnight lies in
// (previous, run]. Also used for Intelligent-Tiering's days of no access.
TimeWindow span_for_days(int days, std::optional<std::int64_t> previous_ms, std::int64_t run_ms);
// Spans merged into disjoint ones (empty ones dropped), so no object is read twice in a run.
std::vector<TimeWindow> merge_spans(std::vector<TimeWindow> spans);

}  // namespace bf
