// The indexer: every metadata document written to processed/metadata/ is added to the search
// index object. Concurrent runs are safe with conditional writes: each write is conditional on
// the ETag it read (If-Match, or If-None-Match: * for the first), and a run that loses the race
// (412) reads the index again and reapplies its change after a short random pause. A single
// writer (reserved concurrency 1) would be safe too, but Lambda then throttles the waiting
// events with back-off of seconds to minutes, so a burst of uploads would be indexed slowly.
#include <chrono>
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

}  // namespace

Json indexer(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  std::vector<Json> documents;
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:") || !id_from_artefact_key(record.key)) continue;
    auto doc = read_json(ctx, record.bucket_name, record.key);
    if (!doc) continue;  // replaced or removed since the event: a later event carries it
    if (!doc->value.is_object() || !doc->value.contains("id"))
      throw FunctionError("InvalidMetadata", record.key + " is not a metadata document");
    documents.push_back(std::move(doc->value));
  }
  if (documents.empty()) return Json{{"indexed", Json::array()}};

  const std::string key(kIndexKey);
  for (int attempt = 1;; ++attempt) {
    auto stored = read_json(ctx, settings.processed_bucket, key);
    SearchIndex index = SearchIndex::from_json(stored ? stored->value : Json());
    Json ids = Json::array();
    for (const auto& doc : documents) {
      index.upsert(doc);
      ids.push_back(doc["id"]);
    }
    PutObjectOptions put;
    put.content_type = "application/json";
    if (stored) put.if_match = stored->etag;
    else put.if_none_match = true;
    try {
      ctx.s3().put_object(settings.processed_bucket, key, to_text(index.to_json()), put);
      ctx.log("indexed " + ids.dump() + "; the index holds " + std::to_string(index.size()) + " image(s)");
      return Json{{"indexed", ids}, {"images", index.size()}, {"attempts", attempt}};
    } catch (const S3Exception& e) {
      if (!lost_race(e) || attempt >= kMaxWriteAttempts) throw;
      ctx.log("the index changed while updating it; reading it again");
      thread_local std::mt19937 rng{std::random_device{}()};
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 5 * attempt + 20)(rng)));
    }
  }
}

}  // namespace bf::pipeline
