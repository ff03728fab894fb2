// Reading an archived original, as on AWS: POST /images/{id}/restore asks S3 for a readable
// copy (RestoreObject), and records the request in processed (restores/<id>.json); S3 takes
// hours, then announces s3:ObjectRestore:Completed, and `restored` marks the record ready with
// the copy's expiry, so GET /images/{id} hands out a URL to the original until the copy goes
// (s3:ObjectRestore:Delete marks that too).
#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"

namespace bf::pipeline {

namespace {

void write_record(Context& ctx, const Settings& s, const std::string& id, const Json& record) {
  PutObjectOptions put;
  put.content_type = "application/json";
  ctx.s3().put_object(s.processed_bucket, restore_key(id), to_text(record, 2) + "\n", put);
}

// Intelligent-Tiering's archive tiers restore in place (no Days); the archive classes make a
// temporary copy for the configured days.
RestoreRequest request_for(const Settings& s, const ObjectInfo& info) {
  RestoreRequest request;
  request.tier = s.restore_tier;
  if (info.storage_class != "INTELLIGENT_TIERING") request.days = s.restore_days;
  return request;
}

}  // namespace

bool readable_now(const ObjectInfo& info) {
  const bool archived =
      info.storage_class == "GLACIER" || info.storage_class == "DEEP_ARCHIVE" || !info.archive_status.empty();
  return !archived || info.restore.find("ongoing-request=\"false\"") != std::string::npos;
}

// POST /images/{id}/restore
Json restore(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const std::string id = path_param(event, "id");
  if (!is_image_id(id)) return http_error(400, "not an image id: " + id);
  auto metadata = read_json(ctx, settings.processed_bucket, metadata_key(id));
  if (!metadata) return http_error(404, "no image " + id);
  const std::string key = metadata->value.value("source", Json::object()).value("key", "");
  auto info = head_if_exists(ctx, settings.archive_bucket, key);
  if (!info) return http_error(409, "the original of " + id + " is not archived (yet)");
  Json answer{{"id", id}, {"bucket", settings.archive_bucket}, {"key", key},
              {"storageClass", info->storage_class.empty() ? "STANDARD" : info->storage_class},
              {"links", {{"image", "/images/" + id}}}};
  if (!info->archive_status.empty()) answer["accessTier"] = info->archive_status;
  if (readable_now(*info)) {
    answer["state"] = "readable";
    return http_json(200, answer);
  }
  const RestoreRequest request = request_for(settings, *info);
  if (info->restore.find("ongoing-request=\"true\"") == std::string::npos) {
    try {
      ctx.s3().restore_object(settings.archive_bucket, key, request);
    } catch (const S3Exception& e) {
      if (e.code() != "RestoreAlreadyInProgress") throw;
    }
    Json record{{"id", id}, {"state", "restoring"}, {"bucket", settings.archive_bucket}, {"key", key},
                {"tier", request.tier}, {"requestedAt", iso8601(std::chrono::system_clock::now())}};
    if (request.days) record["days"] = *request.days;
    write_record(ctx, settings, id, record);
    ctx.log("restore of " + id + " requested (" + request.tier + ")");
  }
  answer["state"] = "restoring";
  answer["tier"] = request.tier;
  return http_json(202, answer);
}

// s3:ObjectRestore:Completed and s3:ObjectRestore:Delete on the archive bucket.
Json restored(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json done = Json::array();
  for (const auto& r : event.records) {
    const std::string id = image_id_for_key(r.key);
    Json record{{"id", id}, {"bucket", r.bucket_name}, {"key", r.key}};
    if (r.event_name == "ObjectRestore:Completed") {
      record["state"] = "restored";
      record["completedAt"] = r.event_time;
      // Intelligent-Tiering restores have no expiry: the object is back in Frequent Access.
      if (!r.restore_expiry_time.empty()) record["expires"] = r.restore_expiry_time;
    } else if (r.event_name == "ObjectRestore:Delete") {
      record["state"] = "expired";
      record["expiredAt"] = r.event_time;
    } else {
      continue;
    }
    write_record(ctx, settings, id, record);
    ctx.log("restore of " + id + ": " + record["state"].get<std::string>());
    done.push_back(record);
  }
  return Json{{"restores", done}};
}

}  // namespace bf::pipeline
