// The archiver: once every artefact of an image exists (its metadata and each configured
// thumbnail), the original is copied to the archive bucket in a cold storage class and removed
// from ingest. It runs as the indexer's on-success destination: in the pipeline's order
// (thumbnail, then metadata, then indexer) that is when an image's last artefact exists. It
// checks rather than assumes, so it can also be triggered by artefact writes, and repeated
// runs are harmless.
#include <set>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"

namespace bf::pipeline {

namespace {

std::set<std::string> image_ids(const S3Event& event) {
  std::set<std::string> ids;
  for (const auto& r : event.records)
    if (auto id = id_from_artefact_key(r.key)) ids.insert(*id);
  return ids;
}

// The artefacts still to be written, by key.
std::vector<std::string> missing_artefacts(Context& ctx, const Settings& s, const std::string& id) {
  std::vector<std::string> missing;
  for (int size : s.thumbnail_sizes)
    for (const auto& format : s.thumbnail_formats)
      if (std::string key = thumbnail_key(size, id, format); !object_exists(ctx, s.processed_bucket, key))
        missing.push_back(key);
  return missing;
}

}  // namespace

Json archiver(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json archived = Json::array(), waiting = Json::array();
  for (const auto& id : image_ids(event)) {
    auto metadata = read_json(ctx, settings.processed_bucket, metadata_key(id));
    std::vector<std::string> missing = missing_artefacts(ctx, settings, id);
    if (!metadata) missing.insert(missing.begin(), metadata_key(id));
    if (!missing.empty()) {
      waiting.push_back(Json{{"id", id}, {"missing", missing}});
      continue;
    }
    const Json source = metadata->value.at("source");
    const std::string bucket = source.at("bucket"), key = source.at("key");
    // A reprocessed original was read where it lies, in archive: nothing to move.
    if (bucket == settings.archive_bucket) continue;
    try {
      ctx.s3().copy_object(bucket, key, settings.archive_bucket, key, {settings.archive_storage_class});
    } catch (const S3Exception& e) {
      // Another run archived it first (the original is gone, the copy is there): done.
      if (e.code() == "NoSuchKey" && object_exists(ctx, settings.archive_bucket, key)) continue;
      throw;
    }
    ctx.s3().delete_object(bucket, key);
    archived.push_back(Json{{"id", id}, {"archive", "s3://" + settings.archive_bucket + "/" + key},
                            {"storageClass", settings.archive_storage_class}});
    ctx.log("archived " + id + " to s3://" + settings.archive_bucket + "/" + key + " (" +
            settings.archive_storage_class + ")");
  }
  return Json{{"archived", archived}, {"waiting", waiting}};
}

}  // namespace bf::pipeline
