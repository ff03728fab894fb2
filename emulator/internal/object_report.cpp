#include "emulator/internal/object_report.h"

#include "emulator/base/time.h"
#include "emulator/s3/archive.h"
#include "emulator/s3/object_meta.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kDefaultLimit = 1000;
constexpr std::size_t kMaxLimit = 10000;

HttpResponse json_answer(int status, const Json& body) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.body = body.dump(2) + "\n";
  return res;
}

// Intelligent-Tiering's tier as S3's own names have it; other classes have none.
Json access_tier_of(const ObjectRecord& object, const ObjectMeta& meta) {
  if (object.storage_class != "INTELLIGENT_TIERING") return nullptr;
  return meta.access_tier.empty() ? "FREQUENT_ACCESS" : meta.access_tier;
}

Json restore_of(const ObjectMeta& meta, std::int64_t now) {
  if (!meta.restore) return nullptr;
  const RestoreState& r = *meta.restore;
  if (r.expires_ms && now >= r.expires_ms) return nullptr;  // lapsed
  Json out{{"ongoing", r.ongoing(now)},
           {"tier", r.tier},
           {"requested", iso8601_ms(r.requested_ms)},
           {"completes", iso8601_ms(r.completes_ms)}};
  if (r.days) out["days"] = r.days;
  out["expires"] = r.expires_ms ? Json(iso8601_ms(r.expires_ms)) : Json(nullptr);
  return out;
}

}  // namespace

HttpResponse object_report(BucketStore& buckets, ObjectStore& objects, const Clock& clock,
                           const RequestTarget& target, const DownloadUrl& download_url) {
  auto param = [&](const char* name) -> std::string {
    const std::string* value = target.query_param(name);
    return value ? *value : "";
  };
  const std::string bucket = param("bucket");
  if (bucket.empty()) return json_answer(400, Json{{"error", "bucket is required"}});
  if (!buckets.find_bucket(bucket)) return json_answer(404, Json{{"error", "no such bucket: " + bucket}});
  std::size_t limit = kDefaultLimit;
  if (auto l = param("limit"); !l.empty()) {
    auto parsed = parse_decimal(l, kMaxLimit);
    if (!parsed || *parsed == 0)
      return json_answer(400, Json{{"error", "limit must be a number from 1 to 10000"}});
    limit = static_cast<std::size_t>(*parsed);
  }
  const std::int64_t now = clock.now_ms();
  // One more than asked tells whether there is a next page.
  auto rows = objects.list_objects(bucket, param("prefix"), ListStart{param("start-after"), false}, limit + 1);
  const bool truncated = rows.size() > limit;
  if (truncated) rows.resize(limit);
  Json list = Json::array();
  for (const auto& object : rows) {
    const ObjectMeta meta = ObjectMeta::from_json(object.meta);
    Json row{{"key", object.key},
             {"size", object.size},
             {"lastModified", iso8601_ms(object.last_modified_ms)},
             {"storageClass", object.storage_class},
             {"accessTier", access_tier_of(object, meta)},
             {"lastAccess", iso8601_ms(object.last_access_ms ? object.last_access_ms : object.last_modified_ms)},
             {"archived", is_archived(object.storage_class, meta.access_tier)},
             {"restore", restore_of(meta, now)}};
    if (download_url) row["download"] = download_url(bucket, object.key);
    list.push_back(std::move(row));
  }
  Json body{{"bucket", bucket}, {"now", iso8601_ms(now)}, {"objects", std::move(list)}};
  if (truncated) body["nextStartAfter"] = rows.back().key;
  return json_answer(200, body);
}

}  // namespace bf
