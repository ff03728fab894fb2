// The processors. On every upload to ingest, `thumbnail` writes the configured sizes and
// encodings to processed/thumbnails/, decoding the image fully (so a truncated or corrupt file
// fails here). On the way it describes the upload: the header it checked before decoding, the
// SHA-256 of the bytes as they were downloaded, and the fingerprint from the smallest
// thumbnail's decode. When it succeeds, `metadata` (its on-success destination) writes that
// description to processed/metadata/, so each upload is downloaded and read once. Run any
// other way (a plain S3 event), metadata downloads and describes the object itself, with the
// same code. Bad input throws ImageError, so the invocation fails with a reason that the
// on-failure destination records.
#include <algorithm>
#include <chrono>
#include <optional>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"
#include "sdk/text.h"

namespace bf::pipeline {

namespace {

std::string source_link(const S3EventRecord& r) { return "s3://" + r.bucket_name + "/" + r.key; }

// An object the event says was created, downloaded to a temp file with its SHA-256.
struct Upload {
  Upload(Context& ctx, const S3EventRecord& created, std::string image_id)
      : record(created), id(std::move(image_id)), file(created.size.value_or(~0ull)) {
    object = download(ctx, record.bucket_name, record.key, file, &sha256);
  }
  const S3EventRecord& record;
  std::string id;
  TempFile file;
  ObjectInfo object;
  std::string sha256;
};

Json fingerprint_json(const Fingerprint& fp) {
  return Json{{"dhash", dhash_hex(fp.dhash)}, {"histogram", histogram_hex(fp.histogram)},
              {"dominantColour", fp.dominant_colour}};
}

// The tags the uploader asked for (x-amz-meta-tags, comma-separated).
Json tags_of(const ObjectInfo& object) {
  auto it = object.metadata.find("tags");
  return it == object.metadata.end() ? Json::array() : Json(split_comma_list(it->second));
}

// The metadata document of an upload, but for when it was written (processedAt).
Json describe(const Upload& upload, const ImageInfo& info, const Fingerprint& fingerprint) {
  const S3EventRecord& record = upload.record;
  return Json{
      {"id", upload.id},
      {"source", {{"bucket", record.bucket_name}, {"key", record.key}, {"size", upload.object.size},
                  {"etag", record.etag}, {"contentType", upload.object.content_type}}},
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
      {"tags", tags_of(upload.object)},
      {"contentSha256", upload.sha256},
      {"fingerprint", fingerprint_json(fingerprint)},
  };
}

// The description thumbnail reported for this record's object, when this run is its
// on-success destination; nothing if there is none or it is not of this very object.
std::optional<Json> reported_description(const Json& event, const S3EventRecord& record, const std::string& id) {
  if (!event.contains("responsePayload") || !event["responsePayload"].is_object()) return std::nullopt;
  const Json reported = event["responsePayload"].value("images", Json::object()).value(id, Json());
  if (!reported.is_object() || reported.value("id", "") != id || reported.value("contentSha256", "").size() != 64)
    return std::nullopt;
  const Json source = reported.value("source", Json::object());
  if (source.value("bucket", "") != record.bucket_name || source.value("key", "") != record.key ||
      source.value("etag", "") != record.etag)
    return std::nullopt;
  const Json fingerprint = reported.value("fingerprint", Json::object());
  if (fingerprint.value("dhash", "").size() != 16 || fingerprint.value("histogram", "").size() != 128)
    return std::nullopt;
  return reported;
}

}  // namespace

Json thumbnail(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  const int smallest = *std::min_element(settings.thumbnail_sizes.begin(), settings.thumbnail_sizes.end());
  Json written = Json::array(), described = Json::object();
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    const Upload upload(ctx, record, image_id_for_key(record.key));
    const ImageInfo info = inspect_image(upload.file.path(), settings.limits);
    Fingerprint fingerprint;
    for (int size : settings.thumbnail_sizes) {
      const bool take_fingerprint = size == smallest;
      const std::vector<std::string> encoded =
          make_thumbnails(upload.file.path(), info, size, settings.thumbnail_formats, settings.thumbnail_quality,
                          take_fingerprint ? &fingerprint : nullptr);
      for (std::size_t i = 0; i < encoded.size(); ++i) {
        const ThumbnailFormat& format = settings.thumbnail_formats[i];
        PutObjectOptions put;
        put.content_type = format.content_type;
        put.metadata = {{"source", source_link(record)}, {"source-etag", record.etag}, {"image-id", upload.id}};
        const std::string key = thumbnail_key(size, upload.id, format);
        ctx.s3().put_object(settings.processed_bucket, key, encoded[i], put);
        written.push_back(key);
      }
    }
    described[upload.id] = describe(upload, info, fingerprint);
    ctx.log("thumbnails for " + upload.id + " (" + info.format + " " + std::to_string(info.width) + "x" +
            std::to_string(info.height) + "): " + std::to_string(written.size()) + " written");
  }
  return Json{{"thumbnails", written}, {"images", described}};
}

Json metadata(const Json& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  // Run as thumbnail's on-success destination, the S3 event is the record's request payload.
  const S3Event s3_event = S3Event::from_json(s3_event_of(event));
  Json written = Json::array();
  for (const auto& record : s3_event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    const std::string id = image_id_for_key(record.key);
    std::optional<Json> doc = reported_description(event, record, id);
    const char* described_by = doc ? "as thumbnail described it" : "read from the object";
    if (!doc) {
      const Upload upload(ctx, record, id);
      const ImageInfo info = inspect_image(upload.file.path(), settings.limits);
      doc = describe(upload, info, fingerprint_image(upload.file.path(), info));
    }
    (*doc)["processedAt"] = iso8601(std::chrono::system_clock::now());
    PutObjectOptions put;
    put.content_type = "application/json";
    put.metadata = {{"source", source_link(record)}, {"image-id", id}};
    const std::string key = metadata_key(id);
    ctx.s3().put_object(settings.processed_bucket, key, to_text(*doc, 2) + "\n", put);
    written.push_back(key);
    ctx.log("metadata for " + id + ": " + doc->value("format", "") + " " + std::to_string(doc->value("width", 0)) +
            "x" + std::to_string(doc->value("height", 0)) + ", " +
            doc->value("fingerprint", Json::object()).value("dominantColour", "") + ", " + described_by);
  }
  return Json{{"metadata", written}};
}

}  // namespace bf::pipeline
