// The indexer: every metadata document written to processed/metadata/ is added to the search
// index object. Concurrent runs are safe with conditional writes: each write is conditional on
// the ETag it read (If-Match, or If-None-Match: * for the first), and a run that loses the race
// (412) reads the index again and reapplies its change after a short random pause. A run that
// writes brings every stale document up to date, its own and others', and a run whose own
// documents someone else already indexed stops there, so a burst of uploads makes few writes. The event only says that something changed: the documents themselves are the
// source of truth, so a lost or failed run is caught up by the next. A single
// writer (reserved concurrency 1) would be safe too, but Lambda then throttles the waiting
// events with back-off of seconds to minutes, so a burst of uploads would be indexed slowly.
#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/search_index.h"
#include "handlers/pipeline/support.h"

namespace bf::pipeline {

namespace {

constexpr int kMaxWriteAttempts = 25;

bool lost_race(const S3Exception& e) {
  return e.status() == 412 || e.code() == "ConditionalRequestConflict" || e.code() == "PreconditionFailed";
}

std::string unquoted(std::string etag) {
  std::erase(etag, '"');
  return etag;
}

// The metadata documents the index lacks or holds an older version of, by id with their
// ETags: this run's own, and any other run's still waiting to be written.
std::map<std::string, std::string> stale_documents(Context& ctx, const Settings& settings, const SearchIndex& index) {
  std::map<std::string, std::string> stale;
  for (const auto& object : ctx.s3().list_all(settings.processed_bucket, "metadata/")) {
    auto id = id_from_artefact_key(object.key);
    if (id && index.indexed_etag(*id) != unquoted(object.etag)) stale[*id] = unquoted(object.etag);
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
  std::map<std::string, Json> fetched;  // metadata documents read so far, by id
  for (int attempt = 1;; ++attempt) {
    auto stored = read_text(ctx, settings.processed_bucket, key);
    if (stored && !own.empty() && std::all_of(own.begin(), own.end(), [&](const auto& o) {
          return SearchIndex::text_has_document(stored->text, o.second);
        }))
      return Json{{"indexed", Json::array()}, {"alreadyIndexed", true}, {"attempts", attempt}};
    SearchIndex index = SearchIndex::parse(stored ? stored->text : "");
    // Catching up on every stale document, not only this event's, means one write covers a
    // burst of uploads: the runs that lose the race then mostly find their work done.
    Json ids = Json::array();
    for (const auto& [id, etag] : stale_documents(ctx, settings, index)) {
      auto& doc = fetched[id];
      if (!doc.is_object() || doc["etag"] != etag) {
        auto read = read_json(ctx, settings.processed_bucket, metadata_key(id));
        if (!read) continue;  // removed since it was listed
        if (!read->value.is_object() || read->value.value("id", "") != id)
          throw FunctionError("InvalidMetadata", metadata_key(id) + " is not the metadata document of " + id);
        doc = Json{{"etag", unquoted(read->etag)}, {"document", std::move(read->value)}};
      }
      index.upsert(doc["document"], doc["etag"]);
      ids.push_back(id);
    }
    if (ids.empty()) return Json{{"indexed", ids}, {"images", index.size()}, {"attempts", attempt}};

    PutObjectOptions put;
    put.content_type = "application/json";
    if (stored) put.if_match = stored->etag;
    else put.if_none_match = true;
    try {
      ctx.s3().put_object(settings.processed_bucket, key, index.serialize(), put);
      ctx.log("indexed " + std::to_string(ids.size()) + " image(s); the index holds " +
              std::to_string(index.size()));
      return Json{{"indexed", ids}, {"images", index.size()}, {"attempts", attempt}};
    } catch (const S3Exception& e) {
      if (!lost_race(e) || attempt >= kMaxWriteAttempts) throw;
      thread_local std::mt19937 rng{std::random_device{}()};
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 5 * attempt + 20)(rng)));
    }
  }
}

}  // namespace bf::pipeline
