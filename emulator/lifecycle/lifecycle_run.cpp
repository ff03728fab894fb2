// One bucket's lifecycle rules applied in the midnight run: the objects whose time fell due
// since the last run are read from the store's time indexes a page at a time, and each is
// judged against the whole configuration (lifecycle_rules.h), so overlapping rules act once.
#include <cstdio>
#include <functional>
#include <set>

#include "emulator/lifecycle/midnight_run.h"
#include "emulator/lifecycle/restore_jobs.h"
#include "emulator/s3/lifecycle_rules.h"
#include "emulator/s3/usage_billing.h"
#include "emulator/s3/versioning.h"

namespace bf {

namespace {

constexpr std::size_t kPage = 500;

// The part of the key every enabled rule shares: the store reads only keys under it.
std::string common_prefix(const LifecycleConfig& config) {
  std::optional<std::string> common;
  for (const auto& rule : config.rules) {
    if (!rule.enabled) continue;
    const std::string& p = rule.filter.prefix;
    if (!common) {
      common = p;
      continue;
    }
    std::size_t n = 0;
    while (n < common->size() && n < p.size() && (*common)[n] == p[n]) ++n;
    common->resize(n);
  }
  return common.value_or("");
}

// Runs one page of a run's changes as one transaction.
void write_page(ObjectStore& store, const std::function<void()>& writes) {
  if (auto status = store.write_together(writes); !status)
    std::fprintf(stderr, "bucketfire: lifecycle run: a page of changes was not saved: %s\n",
                 status.message().c_str());
}

class BucketRun {
 public:
  BucketRun(const StoredWorld& world, const BucketView& bucket, std::int64_t run_ms)
      : world_(world), bucket_(bucket), config_(*bucket.lifecycle), run_ms_(run_ms) {}

  void current(const ObjectRecord& object) {
    const ObjectMeta meta = ObjectMeta::from_json(object.meta);
    if (auto due = expiration_due(config_, object, meta); due && due->due_ms <= run_ms_) {
      expire_current(object);
      return;
    }
    if (auto to = transition_due(config_, object, meta, run_ms_)) transition(object, meta, *to);
  }

  // Every version of a key a noncurrent candidate belongs to, once per run.
  void versions_of(const std::string& key) {
    if (!keys_done_.insert(key).second) return;
    std::vector<ObjectRecord> versions;
    std::string after_key = key;
    std::int64_t after_seq = INT64_MAX;
    for (;;) {
      auto page = world_.objects.list_versions(bucket_.name(), key, after_key, after_seq, kPage);
      for (auto& v : page)
        if (v.key == key) versions.push_back(std::move(v));
      if (page.size() < kPage || page.back().key != key) break;
      after_key = page.back().key;
      after_seq = page.back().seq;
    }
    if (versions.empty()) return;
    // Newest first: the first is current (an object, or a delete marker).
    int newer_noncurrent = 0;
    std::size_t remaining = versions.size();
    for (std::size_t i = 1; i < versions.size(); ++i) {
      const ObjectRecord& v = versions[i];
      if (v.delete_marker) continue;
      const ObjectMeta meta = ObjectMeta::from_json(v.meta);
      auto action = noncurrent_due(config_, v, meta, newer_noncurrent, run_ms_);
      ++newer_noncurrent;
      if (!action) continue;
      if (action->expire) {
        if (remove_version(v)) --remaining;
      } else {
        transition(v, meta, action->transition_to);
      }
    }
    const ObjectRecord& latest = versions.front();
    if (latest.delete_marker && remaining == 1 && removes_expired_marker(config_, key))
      remove_version(latest);
  }

  void uploads() {
    write_page(world_.objects, [&] {
      for (const auto& upload : world_.objects.list_uploads(bucket_.name())) {
        if (!aborts_upload(config_, upload.key, upload.initiated_ms, run_ms_)) continue;
        if (world_.objects.abort_upload(upload.upload_id)) ++tally_.aborted_uploads;
      }
    });
  }

  const RunTally& tally() const { return tally_; }

 private:
  ChangeEvents events(const char* name) {
    return world_.observer ? world_.observer->events_for(s3_origin(), bucket_, name) : ChangeEvents{};
  }

  void expire_current(const ObjectRecord& object) {
    const Versioning versioning = bucket_.versioning;
    // Only the object judged: a write since then is left alone.
    WriteCondition same = [&object](const std::optional<ObjectRecord>& now) {
      return now && now->blob_id == object.blob_id ? Status::ok() : Status::conflict("replaced");
    };
    const char* name = versioning == Versioning::Unversioned ? "LifecycleExpiration:Delete"
                                                             : "LifecycleExpiration:DeleteMarkerCreated";
    // S3 dates the marker it makes at the midnight of the run.
    auto outcome = world_.objects.delete_latest(bucket_.name(), object.key, versioning,
                                                version_id_for(versioning), run_ms_, events(name), same);
    if (outcome && outcome->found) ++tally_.expirations;
  }

  bool remove_version(const ObjectRecord& version) {
    auto outcome = world_.objects.delete_version(bucket_.name(), version.key, version.version_id, run_ms_,
                                                 events("LifecycleExpiration:Delete"));
    if (!outcome || !outcome->found) return false;
    ++tally_.expirations;
    return true;
  }

  void transition(ObjectRecord object, ObjectMeta meta, const std::string& to) {
    object.storage_class = to;
    // A new class starts with no restore and, in Intelligent-Tiering, in Frequent Access as
    // if just read.
    meta.restore.reset();
    meta.access_tier.clear();
    meta.class_since_ms = run_ms_;  // its new class's minimum storage duration counts from now
    if (to == "INTELLIGENT_TIERING") object.last_access_ms = run_ms_;
    object.meta = meta.to_json();
    if (!world_.objects.update_object(object, events("LifecycleTransition"))) return;
    ++tally_.transitions;
    if (world_.meter) meter_transition(*world_.meter, bucket_.name(), to);
  }

  const StoredWorld& world_;
  const BucketView& bucket_;
  const LifecycleConfig& config_;
  const std::int64_t run_ms_;
  std::set<std::string> keys_done_;
  RunTally tally_;
};

// Calls `each` for every row of `list` in the spans, a page at a time; a page's changes
// commit together.
template <typename List, typename Each>
void for_each_in(ObjectStore& store, const std::vector<TimeWindow>& spans, List list, Each each,
                 bool by_noncurrent) {
  for (const auto& span : spans) {
    TimeCursor after;
    for (;;) {
      auto page = list(span, after);
      write_page(store, [&] {
        for (const auto& row : page) each(row);
      });
      if (page.size() < kPage) break;
      const ObjectRecord& last = page.back();
      after = TimeCursor{by_noncurrent ? last.noncurrent_ms : last.last_modified_ms, last.key, last.seq};
    }
  }
}

}  // namespace

RunTally run_bucket_lifecycle(const StoredWorld& world, const BucketView& bucket,
                              std::optional<std::int64_t> previous_ms, std::int64_t run_ms) {
  const LifecycleConfig& config = *bucket.lifecycle;
  const DueSpans spans = due_spans(config, previous_ms, run_ms);
  const std::string prefix = common_prefix(config);
  BucketRun run(world, bucket, run_ms);
  for_each_in(
      world.objects, spans.modified,
      [&](const TimeWindow& w, const TimeCursor& after) {
        return world.objects.list_modified_in(bucket.name(), prefix, w, after, kPage);
      },
      [&](const ObjectRecord& object) { run.current(object); }, false);
  for_each_in(
      world.objects, spans.noncurrent,
      [&](const TimeWindow& w, const TimeCursor& after) {
        return world.objects.list_noncurrent_in(bucket.name(), prefix, w, after, kPage);
      },
      [&](const ObjectRecord& version) { run.versions_of(version.key); }, true);
  bool aborts = false;
  for (const auto& rule : config.rules) aborts = aborts || (rule.enabled && rule.abort_incomplete_upload_days);
  if (aborts) run.uploads();
  return run.tally();
}

}  // namespace bf
