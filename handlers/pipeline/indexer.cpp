// The indexer: every metadata document written to processed/metadata/ is added to the search
// index object. Concurrent runs are safe with conditional writes: each write is conditional on
// the ETag it read (If-Match, or If-None-Match: * for the first), and a run that loses the race
// (412) reads the index again and reapplies its change after a short random pause. A run that
// writes brings every stale document up to date, its own and others', and a run whose own
// documents someone else already indexed stops there, so a burst of uploads makes few writes.
// The event only says that something changed: the documents themselves are the source of
// truth, so a lost or failed run is caught up by the next. A single writer (reserved
// concurrency 1) would be safe too, but Lambda then throttles the waiting events with back-off
// of seconds to minutes, so a burst of uploads would be indexed slowly.
//
// Runs in one process also take turns and keep the index they last read or wrote. On Lambda
// an execution environment runs one invocation at a time, so there the turn is always free
// and the kept index saves parsing it again while nobody else wrote. Where many runs share a
// process (in-process handlers, a local emulator), racing each other would only repeat work
// the losers throw away.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/search_index.h"
#include "handlers/pipeline/support.h"

namespace bf::pipeline {

namespace {

constexpr int kMaxWriteAttempts = 25;
// A run waits its turn at most this long before going ahead anyway (conditional writes keep
// it safe), so a queue of runs never reaches a timeout.
constexpr auto kLongestTurnWait = std::chrono::seconds(5);

bool lost_race(const S3Exception& e) {
  return e.status() == 412 || e.code() == "ConditionalRequestConflict" || e.code() == "PreconditionFailed";
}

std::string unquoted(std::string etag) {
  std::erase(etag, '"');
  return etag;
}

// The index this process last read or wrote, with its bucket and quoted ETag; guarded by the
// turn.
struct KeptIndex {
  std::timed_mutex turn;
  std::optional<SearchIndex> index;
  std::string bucket;
  std::string etag;
};

KeptIndex& kept_index() {
  static KeptIndex kept;
  return kept;
}

// The kept index, taken, if it is still the stored one (same ETag), so that only an index
// someone else wrote is read and parsed again.
std::optional<SearchIndex> take_kept_if_current(Context& ctx, const Settings& settings, KeptIndex& kept) {
  if (!kept.index || kept.bucket != settings.processed_bucket) return std::nullopt;
  std::optional<ObjectInfo> head = head_if_exists(ctx, settings.processed_bucket, std::string(kIndexKey));
  std::optional<SearchIndex> taken = std::move(kept.index);
  kept.index.reset();
  if (!head || head->etag != kept.etag) return std::nullopt;
  return taken;
}

void keep(KeptIndex& kept, bool own_turn, const Settings& settings, SearchIndex index, std::string etag) {
  if (!own_turn || etag.empty()) return;
  kept.index = std::move(index);
  kept.bucket = settings.processed_bucket;
  kept.etag = std::move(etag);
}

// The metadata documents the index lacks or holds an older version of, by id with their
// ETags: this run's own, and any other run's still waiting to be written.
std::map<std::string, std::string> stale_documents(Context& ctx, const Settings& settings, const SearchIndex& index) {
  std::map<std::string, std::string> stale;
  for (const auto& object : ctx.s3().list_all(settings.processed_bucket, "metadata/")) {
    auto id = id_from_artefact_key(object.key);
    if (!id) continue;
    std::string etag = unquoted(object.etag);
    if (index.indexed_etag(*id) != etag) stale[*id] = std::move(etag);
  }
  return stale;
}

}  // namespace

Json indexer(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const std::string key(kIndexKey);
  // This run's own documents (id -> ETag); once the index holds them, its work is done,
  // whoever wrote them.
  std::map<std::string, std::string> own;
  for (const auto& record : event.records)
    if (auto id = id_from_artefact_key(record.key); id && record.event_name.starts_with("ObjectCreated:"))
      own[*id] = unquoted(record.etag);

  KeptIndex& kept = kept_index();
  std::unique_lock turn(kept.turn, std::defer_lock);
  const bool own_turn = turn.try_lock_for(std::min<std::chrono::milliseconds>(
      kLongestTurnWait, std::max<std::chrono::milliseconds>(ctx.remaining_time() / 2, std::chrono::milliseconds(0))));

  std::map<std::string, Json> fetched;  // metadata documents read so far, by id
  for (int attempt = 1;; ++attempt) {
    const Json already_indexed = {{"indexed", Json::array()}, {"alreadyIndexed", true}, {"attempts", attempt}};
    std::optional<SearchIndex> index = own_turn ? take_kept_if_current(ctx, settings, kept) : std::nullopt;
    std::string etag;
    if (index) {
      etag = kept.etag;
      if (!own.empty() && std::all_of(own.begin(), own.end(), [&](const auto& o) {
            return index->indexed_etag(o.first) == o.second;
          })) {
        keep(kept, own_turn, settings, std::move(*index), etag);
        return already_indexed;
      }
    } else {
      auto stored = read_text(ctx, settings.processed_bucket, key);
      if (stored) {
        etag = stored->etag;
        // An ETag names one document's bytes, so finding them in the text answers without parsing.
        if (!own.empty() && std::all_of(own.begin(), own.end(), [&](const auto& o) {
              return SearchIndex::text_has_document(stored->text, o.second);
            }))
          return already_indexed;
      }
      index = SearchIndex::parse(stored ? stored->text : "");
    }
    // Catching up on every stale document, not only this event's, means one write covers a
    // burst of uploads: the runs that lose the race then mostly find their work done.
    Json ids = Json::array();
    for (const auto& [id, document_etag] : stale_documents(ctx, settings, *index)) {
      auto& doc = fetched[id];
      if (!doc.is_object() || doc["etag"] != document_etag) {
        auto read = read_json(ctx, settings.processed_bucket, metadata_key(id));
        if (!read) continue;  // removed since it was listed
        if (!read->value.is_object() || read->value.value("id", "") != id)
          throw FunctionError("InvalidMetadata", metadata_key(id) + " is not the metadata document of " + id);
        doc = Json{{"etag", unquoted(read->etag)}, {"document", std::move(read->value)}};
      }
      index->upsert(doc["document"], doc["etag"]);
      ids.push_back(id);
    }
    const std::size_t images = index->size();
    if (ids.empty()) {
      keep(kept, own_turn, settings, std::move(*index), etag);
      return Json{{"indexed", ids}, {"images", images}, {"attempts", attempt}};
    }

    PutObjectOptions put;
    put.content_type = "application/json";
    if (!etag.empty()) put.if_match = etag;
    else put.if_none_match = true;
    try {
      PutObjectResult written = ctx.s3().put_object(settings.processed_bucket, key, index->serialize(), put);
      keep(kept, own_turn, settings, std::move(*index), written.etag);
      ctx.log("indexed " + std::to_string(ids.size()) + " image(s); the index holds " + std::to_string(images));
      return Json{{"indexed", ids}, {"images", images}, {"attempts", attempt}};
    } catch (const S3Exception& e) {
      if (!lost_race(e) || attempt >= kMaxWriteAttempts) throw;
      thread_local std::mt19937 rng{std::random_device{}()};
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 5 * attempt + 20)(rng)));
    }
  }
}

}  // namespace bf::pipeline
