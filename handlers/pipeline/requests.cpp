// The request functions behind the HTTP API: ask for an upload (presigned PUT URL and POST
// form), look at an image's artefacts, search the index, and find similar pictures.
#include <chrono>
#include <set>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/search_index.h"
#include "handlers/pipeline/support.h"
#include "sdk/uuid.h"

namespace bf::pipeline {

namespace {

// The request body as text (the HTTP API base64-encodes non-text bodies).
std::string request_body(const Json& event) {
  std::string body = event.value("body", "");
  if (event.value("isBase64Encoded", false)) {
    auto decoded = base64_decode(body);
    return decoded ? *decoded : "";
  }
  return body;
}

std::string query_param(const Json& event, const char* name) {
  const Json query = event.value("queryStringParameters", Json::object());
  return query.value(name, "");
}

// A positive limit from the query string, at most `max`.
std::size_t limit_param(const Json& event, std::size_t fallback, std::size_t max) {
  const std::string text = query_param(event, "limit");
  if (text.empty()) return fallback;
  try {
    const long value = std::stol(text);
    if (value >= 1) return std::min<std::size_t>(static_cast<std::size_t>(value), max);
  } catch (const std::exception&) {
  }
  return fallback;
}

std::string accepted_types() {
  std::string list;
  for (const auto& f : image_formats())
    if (has_loader(f.loader)) list += (list.empty() ? "" : ", ") + f.content_type;
  return list;
}

// Tags from the request: lower-case words of letters, digits and hyphens, at most 10.
std::optional<std::string> tags_header(const Json& tags, std::string& error) {
  if (tags.is_null()) return std::nullopt;
  if (!tags.is_array() || tags.size() > 10) {
    error = "tags must be a list of at most 10 words";
    return std::nullopt;
  }
  std::string joined;
  for (const auto& tag : tags) {
    const std::string t = tag.is_string() ? tag.get<std::string>() : "";
    const bool ok = !t.empty() && t.size() <= 32 && std::all_of(t.begin(), t.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!ok) {
      error = "each tag must be 1-32 characters of a-z, 0-9 and -";
      return std::nullopt;
    }
    joined += (joined.empty() ? "" : ",") + t;
  }
  return joined;
}

Json summary(const IndexJson& entry) {
  return Json{{"id", entry.value("id", "")},
              {"format", entry.value("format", "")},
              {"width", entry.value("width", 0)},
              {"height", entry.value("height", 0)},
              {"camera", entry.value("camera", "")},
              {"takenAt", entry.value("takenAt", "")},
              {"tags", Json::parse(entry.value("tags", IndexJson::array()).dump())},
              {"dominantColour", entry.value("dominantColour", "")},
              {"links", {{"image", "/images/" + entry.value("id", std::string())}}}};
}

SearchIndex load_index(Context& ctx, const Settings& settings) {
  auto stored = read_text(ctx, settings.processed_bucket, std::string(kIndexKey));
  return SearchIndex::parse(stored ? stored->text : "");
}

}  // namespace

// POST /uploads {"contentType": "image/jpeg", "size": 123456, "tags": ["harbour"]}
Json presign(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json request;
  try {
    request = Json::parse(request_body(event));
  } catch (const Json::parse_error&) {
    return http_error(400, "the body must be JSON: {\"contentType\": \"image/jpeg\", \"size\": <bytes>}");
  }
  if (!request.is_object() || !request.contains("contentType") || !request["contentType"].is_string())
    return http_error(400, "contentType is required, one of: " + accepted_types());
  if (!request.contains("size") || !request["size"].is_number_integer())
    return http_error(400, "size is required: the upload's length in bytes");

  const std::string content_type = request["contentType"];
  auto format = format_for_content_type(content_type);
  if (!format || !has_loader(format->loader))
    return http_error(415, "contentType " + content_type + " is not accepted; use one of: " + accepted_types());
  const std::int64_t size = request["size"];
  if (size < 1) return http_error(400, "size must be at least 1 byte");
  if (static_cast<std::uint64_t>(size) > settings.max_upload_bytes)
    return http_error(413, "size " + std::to_string(size) + " is above the limit of " +
                               std::to_string(settings.max_upload_bytes) + " bytes");
  std::string tag_error;
  const auto tags = tags_header(request.value("tags", Json()), tag_error);
  if (!tag_error.empty()) return http_error(400, tag_error);

  const std::string id = new_uuid();
  const std::string key = upload_key(id, format->extension, std::chrono::system_clock::now());
  // The PUT signs the type and the declared length, so the upload must be what was asked for.
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", format->content_type},
                                                              {"Content-Length", std::to_string(size)}};
  if (tags) headers.emplace_back("x-amz-meta-tags", *tags);
  const PresignedRequest put = ctx.s3().presign("PUT", settings.ingest_bucket, key, settings.url_expiry, headers);

  PostConditions conditions;
  conditions.content_type = format->content_type;
  conditions.min_size = 1;
  conditions.max_size = settings.max_upload_bytes;
  if (tags) conditions.metadata["tags"] = *tags;
  const PresignedPost post = ctx.s3().presigned_post(settings.ingest_bucket, key, settings.url_expiry, conditions);

  Json put_headers = Json::object();
  std::string curl = "curl -X PUT --upload-file FILE";
  for (const auto& [name, value] : put.headers) {
    put_headers[name] = value;
    if (name != "Content-Length") curl += " -H '" + name + ": " + value + "'";
  }
  curl += " '" + put.url + "'";
  Json fields = Json::object();
  for (const auto& [name, value] : post.fields) fields[name] = value;

  ctx.log("upload " + id + " (" + format->content_type + ", " + std::to_string(size) + " bytes) -> s3://" +
          settings.ingest_bucket + "/" + key);
  return http_json(201, Json{{"id", id},
                             {"bucket", settings.ingest_bucket},
                             {"key", key},
                             {"expiresAt", iso8601(std::chrono::system_clock::now() + settings.url_expiry)},
                             {"upload", {{"method", "PUT"}, {"url", put.url}, {"headers", put_headers}, {"curl", curl}}},
                             {"form", {{"method", "POST"}, {"url", post.url}, {"fields", fields}}},
                             {"links", {{"image", "/images/" + id}}}});
}

// GET /images/{id}: presigned GET URLs for the thumbnails and metadata, and where the original is.
Json images(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const std::string id = path_param(event, "id");
  if (!is_image_id(id)) return http_error(400, "not an image id: " + id);
  auto metadata = read_json(ctx, settings.processed_bucket, metadata_key(id));
  if (!metadata) return http_error(404, "no image " + id + " (not uploaded yet, still processing, or failed)");

  auto url = [&](const std::string& bucket, const std::string& key) {
    return ctx.s3().presign("GET", bucket, key, settings.url_expiry).url;
  };
  // Every thumbnail there is gets a URL, in the configured sizes and any other size a
  // reprocessing job made (the metadata names them); the image is complete when each configured
  // one exists (the archiver's test), whatever else a different configuration left.
  std::set<int> sizes(settings.thumbnail_sizes.begin(), settings.thumbnail_sizes.end());
  for (const auto& size : metadata->value.value("thumbnailSizes", Json::array()))
    if (size.is_number_integer() && size.get<int>() > 0) sizes.insert(size.get<int>());
  std::set<std::string> configured;
  for (int size : settings.thumbnail_sizes)
    for (const auto& format : settings.thumbnail_formats) configured.insert(thumbnail_key(size, id, format));
  Json thumbnails = Json::array();
  std::size_t present = 0;
  for (int size : sizes) {
    for (const auto& object : ctx.s3().list_objects_v2(settings.processed_bucket, thumbnail_prefix(size, id)).objects) {
      present += configured.count(object.key);
      const std::string ext = object.key.substr(object.key.rfind('.') + 1);
      auto format = thumbnail_format(ext);
      thumbnails.push_back(Json{{"size", size},
                                {"format", format ? format->name : ext},
                                {"bytes", object.size},
                                {"key", object.key},
                                {"url", url(settings.processed_bucket, object.key)}});
    }
  }
  const Json source = metadata->value.value("source", Json::object());
  const std::string source_key = source.value("key", "");
  const std::string source_bucket = source.value("bucket", settings.ingest_bucket);
  Json original = {{"key", source_key}};
  // A reprocessed image's source is its archived original; otherwise it is the upload in ingest.
  if (source_bucket != settings.archive_bucket && object_exists(ctx, source_bucket, source_key)) {
    original["bucket"] = source_bucket;
    original["state"] = "ingest";
    original["url"] = url(original["bucket"], source_key);
  } else if (auto archived = head_if_exists(ctx, settings.archive_bucket, source_key)) {
    original["bucket"] = settings.archive_bucket;
    original["state"] = "archived";
    original["storageClass"] = archived->storage_class.empty() ? "STANDARD" : archived->storage_class;
    if (!archived->archive_status.empty()) original["accessTier"] = archived->archive_status;
    // Cold bytes are read through a restore (POST /images/{id}/restore); the restore record
    // says how far it got.
    const bool readable = readable_now(*archived);
    if (readable) original["url"] = url(settings.archive_bucket, source_key);
    if (auto record = read_json(ctx, settings.processed_bucket, restore_key(id))) original["restore"] = record->value;
    if (!readable) original["links"] = {{"restore", "/images/" + id + "/restore"}};
  } else {
    original["state"] = "missing";
  }
  const Json& doc = metadata->value;
  Json answer{{"id", id},
              {"complete", present == configured.size()},
              {"format", doc.value("format", "")},
              {"width", doc.value("width", 0)},
              {"height", doc.value("height", 0)},
              {"exif", doc.value("exif", Json::object())},
              {"tags", doc.value("tags", Json::array())},
              {"thumbnails", thumbnails},
              {"metadata", {{"key", metadata_key(id)}, {"url", url(settings.processed_bucket, metadata_key(id))}}},
                             {"original", original}};
  if (doc.contains("reprocessedBy")) answer["reprocessedBy"] = doc["reprocessedBy"];
  return http_json(200, answer);
}

// GET /search?q=canon+2024[&limit=N]: images having every word of the query.
Json search(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const std::string q = query_param(event, "q");
  if (SearchIndex::tokenize(q).empty()) return http_error(400, "q is required, e.g. /search?q=canon");
  const SearchIndex index = load_index(ctx, settings);
  const std::vector<std::string> ids = index.search(q);
  const std::size_t limit = limit_param(event, 50, 1000);
  Json results = Json::array();
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) results.push_back(summary(index.entry(ids[i])));
  return http_json(200, Json{{"query", q}, {"terms", SearchIndex::tokenize(q)}, {"count", ids.size()},
                             {"results", results}});
}

// GET /similar/{id}[?limit=N]: the other images, most similar first.
Json similar(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const std::string id = path_param(event, "id");
  if (!is_image_id(id)) return http_error(400, "not an image id: " + id);
  const SearchIndex index = load_index(ctx, settings);
  if (!index.contains(id)) return http_error(404, "image " + id + " is not in the index (yet)");
  Json results = Json::array();
  for (const auto& [other, score] : index.similar(id, limit_param(event, 10, 100))) {
    Json item = summary(index.entry(other));
    item["similarity"] = score;
    results.push_back(std::move(item));
  }
  return http_json(200, Json{{"id", id}, {"results", results}});
}

}  // namespace bf::pipeline
