// The processors. On every upload to ingest, `thumbnail` writes the configured sizes and
// encodings to processed/thumbnails/, decoding the image fully (so a truncated or corrupt file
// fails here) and taking its fingerprint from the smallest thumbnail's decode. When it
// succeeds, `metadata` (its on-success destination) writes what the image is to
// processed/metadata/, with the fingerprint from thumbnail's answer. Bad input throws
// ImageError, so the invocation fails with a reason that the on-failure destination records.
#include <algorithm>
#include <chrono>
#include <optional>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"

namespace bf::pipeline {

namespace {

std::string source_link(const S3EventRecord& r) { return "s3://" + r.bucket_name + "/" + r.key; }

// An object the event says was created, downloaded to a temp file.
struct Upload {
  const S3EventRecord& record;
  std::string id;
  TempFile file;
  ObjectInfo object;
  std::string sha256;
};

// With `hash`, the download's SHA-256 is taken on the way.
template <class Handle>
void for_each_upload(const S3Event& event, Context& ctx, bool hash, Handle&& handle) {
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    Upload upload{record, image_id_for_key(record.key), TempFile(record.size.value_or(~0ull)), {}, {}};
    upload.object = download(ctx, record.bucket_name, record.key, upload.file, hash ? &upload.sha256 : nullptr);
    handle(upload);
  }
}

Json fingerprint_json(const Fingerprint& fp) {
  return Json{{"dhash", dhash_hex(fp.dhash)}, {"histogram", histogram_hex(fp.histogram)},
              {"dominantColour", fp.dominant_colour}};
}

// The fingerprint thumbnail reported for `id`, when this run is its on-success destination.
std::optional<Json> reported_fingerprint(const Json& event, const std::string& id) {
  if (!event.contains("responsePayload") || !event["responsePayload"].is_object()) return std::nullopt;
  const Json reported = event["responsePayload"].value("fingerprints", Json::object()).value(id, Json());
  if (!reported.is_object() || reported.value("dhash", "").size() != 16 ||
      reported.value("histogram", "").size() != 128 || !reported.contains("dominantColour"))
    return std::nullopt;
  return reported;
}

}  // namespace

Json thumbnail(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const int smallest = *std::min_element(settings.thumbnail_sizes.begin(), settings.thumbnail_sizes.end());
  Json written = Json::array(), fingerprints = Json::object();
  for_each_upload(event, ctx, false, [&](const Upload& upload) {
    const auto& [record, id, file, object, sha256] = upload;
    const ImageInfo info = inspect_image(file.path(), settings.limits);
    for (int size : settings.thumbnail_sizes) {
      Fingerprint fp;
      const bool take_fingerprint = size == smallest && !fingerprints.contains(id);
      const std::vector<std::string> encoded = make_thumbnails(
          file.path(), info, size, settings.thumbnail_formats, settings.thumbnail_quality, take_fingerprint ? &fp : nullptr);
      if (take_fingerprint) fingerprints[id] = fingerprint_json(fp);
      for (std::size_t i = 0; i < encoded.size(); ++i) {
        const ThumbnailFormat& format = settings.thumbnail_formats[i];
        PutObjectOptions put;
        put.content_type = format.content_type;
        put.metadata = {{"source", source_link(record)}, {"source-etag", record.etag}, {"image-id", id}};
        const std::string key = thumbnail_key(size, id, format);
        ctx.s3().put_object(settings.processed_bucket, key, encoded[i], put);
        written.push_back(key);
      }
    }
    ctx.log("thumbnails for " + id + " (" + info.format + " " + std::to_string(info.width) + "x" +
            std::to_string(info.height) + "): " + std::to_string(written.size()) + " written");
  });
  return Json{{"thumbnails", written}, {"fingerprints", fingerprints}};
}

Json metadata(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  // Run as thumbnail's on-success destination, the S3 event is the record's request payload.
  const S3Event s3_event = S3Event::from_json(s3_event_of(event));
  Json written = Json::array();
  for_each_upload(s3_event, ctx, true, [&](const Upload& upload) {
    const auto& [record, id, file, object, sha256] = upload;
    const ImageInfo info = inspect_image(file.path(), settings.limits);
    std::optional<Json> reported = reported_fingerprint(event, id);
    const Json fingerprint = reported ? *reported : fingerprint_json(fingerprint_image(file.path(), info));

    Json tags = Json::array();
    if (auto it = object.metadata.find("tags"); it != object.metadata.end()) {
      std::string tag;
      for (char c : it->second + ",") {
        if (c == ',') {
          if (!tag.empty()) tags.push_back(tag);
          tag.clear();
        } else if (c != ' ') {
          tag += c;
        }
      }
    }
    Json doc = {
        {"id", id},
        {"source", {{"bucket", record.bucket_name}, {"key", record.key}, {"size", object.size},
                    {"etag", record.etag}, {"contentType", object.content_type}}},
        {"format", info.format},
        {"width", info.width},
        {"height", info.height},
        {"orientation", info.orientation},
        {"bands", info.bands},
        {"pages", info.pages},
        {"colourSpace", info.colour_space},
        {"hasAlpha", info.has_alpha},
        {"hasIccProfile", info.has_icc_profile},
        {"exif", info.exif},
        {"tags", tags},
        {"contentSha256", sha256},
        {"fingerprint", fingerprint},
        {"processedAt", iso8601(std::chrono::system_clock::now())},
    };
    PutObjectOptions put;
    put.content_type = "application/json";
    put.metadata = {{"source", source_link(record)}, {"image-id", id}};
    const std::string key = metadata_key(id);
    ctx.s3().put_object(settings.processed_bucket, key, to_text(doc, 2) + "\n", put);
    written.push_back(key);
    ctx.log("metadata for " + id + ": " + info.format + " " + std::to_string(info.width) + "x" +
            std::to_string(info.height) + ", " + fingerprint.value("dominantColour", ""));
  });
  return Json{{"metadata", written}};
}

}  // namespace bf::pipeline
