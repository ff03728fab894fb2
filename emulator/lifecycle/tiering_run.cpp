// Intelligent-Tiering's part of the midnight run: objects whose days without access reached a
// tier's threshold since the last run move down to it; the archive tiers announce themselves
// with an s3:IntelligentTiering event.
#include <cstdio>

#include "emulator/lifecycle/midnight_run.h"
#include "emulator/lifecycle/restore_jobs.h"
#include "emulator/s3/tiering_config.h"

namespace bf {

namespace {

constexpr std::size_t kPage = 500;

// Moves each object of a page whose tier fell due; the page's moves commit together.
std::size_t move_page(const StoredWorld& world, const BucketView& bucket,
                      const std::vector<TieringConfig>& configs, const std::vector<ObjectRecord>& page,
                      std::int64_t run_ms) {
  std::size_t moves = 0;
  auto status = world.objects.write_together([&] {
    for (ObjectRecord object : page) {
      ObjectMeta meta = ObjectMeta::from_json(object.meta);
      auto tier = tier_due(configs, object, meta, run_ms);
      if (!tier) continue;
      meta.access_tier = *tier;
      meta.restore.reset();
      object.meta = meta.to_json();
      const bool archive = *tier == kArchiveAccess || *tier == kDeepArchiveAccess;
      ChangeEvents events = archive && world.observer
                                ? world.observer->events_for(s3_origin(), bucket, "IntelligentTiering")
                                : ChangeEvents{};
      if (world.objects.update_object(object, events)) ++moves;
    }
  });
  if (status) return moves;
  std::fprintf(stderr, "bucketfire: tiering run: a page of moves was not saved: %s\n",
               status.message().c_str());
  return 0;
}

}  // namespace

RunTally run_bucket_tiering(const StoredWorld& world, const BucketView& bucket,
                            std::optional<std::int64_t> previous_ms, std::int64_t run_ms) {
  static const std::vector<TieringConfig> kNone;
  const std::vector<TieringConfig>& configs = bucket.tiering ? *bucket.tiering : kNone;
  RunTally tally;
  // Current objects, then noncurrent versions: Intelligent-Tiering monitors both.
  for (const bool noncurrent : {false, true}) {
    for (const auto& span : tiering_spans(configs, previous_ms, run_ms)) {
      TimeCursor after;
      for (;;) {
        auto page = noncurrent
                        ? world.objects.list_tiering_versions_accessed_in(bucket.name(), span, after, kPage)
                        : world.objects.list_tiering_accessed_in(bucket.name(), span, after, kPage);
        tally.tier_moves += move_page(world, bucket, configs, page, run_ms);
        if (page.size() < kPage) break;
        const ObjectRecord& last = page.back();
        after = TimeCursor{last.last_access_ms, last.key, last.seq};
      }
    }
  }
  return tally;
}

}  // namespace bf
