// The processors. On every upload to ingest, `thumbnail` writes the configured sizes and
// encodings to processed/thumbnails/, decoding the image fully (so a truncated or corrupt file
// fails here). On the way it describes the upload: the header it checked before decoding, the
// SHA-256 of the bytes as they were downloaded, and the fingerprint from the smallest
// thumbnail's decode. When it succeeds, `metadata` (its on-success destination) writes that
// description to processed/metadata/, so each upload is downloaded and read once. Run any
// other way (a plain S3 event), metadata downloads and describes the object itself, with the
// same code. Bad input throws ImageError, so the invocation fails with a reason that the
// on-failure destination records.
//
// An S3 Batch Operations job may run `thumbnail` too (scripts/reprocess.sh): each task names
// an original, usually in archive; its thumbnails are made again with the job's user arguments
// in place of the function's settings, and its metadata written at once, since nothing follows
// a synchronous invocation. That write runs the indexer as an upload's does.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>

#include "handlers/pipeline/handlers.h"
#include "handlers/pipeline/support.h"
#include "sdk/text.h"

namespace bf::pipeline {

namespace {

// An object downloaded to a temp file with its SHA-256.
struct Upload {
  Upload(Context& ctx, std::string bucket_name, std::string object_key, std::optional<std::uint64_t> size,
         std::string image_id)
      : bucket(std::move(bucket_name)),
        key(std::move(object_key)),
        id(std::move(image_id)),
        file(size.value_or(~0ull)) {
    object = download(ctx, bucket, key, file, &sha256);
  }
  std::string bucket, key;
  std::string id;
  TempFile file;
  ObjectInfo object;
  std::string sha256;
};

std::string source_link(const Upload& upload) { return "s3://" + upload.bucket + "/" + upload.key; }

std::string unquoted(const std::string& etag) {
  return etag.size() >= 2 && etag.front() == '"' && etag.back() == '"' ? etag.substr(1, etag.size() - 2) : etag;
}

Json fingerprint_json(const Fingerprint& fp) {
  return Json{{"dhash", dhash_hex(fp.dhash)}, {"histogram", histogram_hex(fp.histogram)},
              {"dominantColour", fp.dominant_colour}};
}

// The tags the uploader asked for (x-amz-meta-tags, comma-separated).
Json tags_of(const ObjectInfo& object) {
  auto it = object.metadata.find("tags");
  return it == object.metadata.end() ? Json::array() : Json(split_comma_list(it->second));
}

// The metadata document of an upload (its ETag unquoted), but for when it was written (processedAt).
Json describe(const Upload& upload, const std::string& etag, const ImageInfo& info, const Fingerprint& fingerprint) {
  return Json{
      {"id", upload.id},
      {"source", {{"bucket", upload.bucket}, {"key", upload.key}, {"size", upload.object.size},
                  {"etag", etag}, {"contentType", upload.object.content_type}}},
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

// Writes the thumbnails of `upload` in each configured size and encoding to processed, adds
// their keys to `written`, and returns its metadata document.
Json make_thumbnails_of(Context& ctx, const Settings& settings, const Upload& upload, const std::string& etag,
                        Json& written) {
  const int smallest = *std::min_element(settings.thumbnail_sizes.begin(), settings.thumbnail_sizes.end());
  const ImageInfo info = inspect_image(upload.file.path(), settings.limits);
  Fingerprint fingerprint;
  std::size_t count = 0;
  for (int size : settings.thumbnail_sizes) {
    const bool take_fingerprint = size == smallest;
    const std::vector<std::string> encoded =
        make_thumbnails(upload.file.path(), info, size, settings.thumbnail_formats, settings.thumbnail_quality,
                        take_fingerprint ? &fingerprint : nullptr);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      const ThumbnailFormat& format = settings.thumbnail_formats[i];
      PutObjectOptions put;
      put.content_type = format.content_type;
      put.metadata = {{"source", source_link(upload)}, {"source-etag", etag}, {"image-id", upload.id}};
      const std::string key = thumbnail_key(size, upload.id, format);
      ctx.s3().put_object(settings.processed_bucket, key, encoded[i], put);
      written.push_back(key);
      ++count;
    }
  }
  Json doc = describe(upload, etag, info, fingerprint);
  ctx.log("thumbnails for " + upload.id + " (" + info.format + " " + std::to_string(info.width) + "x" +
          std::to_string(info.height) + "): " + std::to_string(count) + " written");
  return doc;
}

void write_metadata(Context& ctx, const Settings& settings, const std::string& id, const std::string& source_link,
                    Json doc) {
  doc["processedAt"] = iso8601(std::chrono::system_clock::now());
  PutObjectOptions put;
  put.content_type = "application/json";
  put.metadata = {{"source", source_link}, {"image-id", id}};
  ctx.s3().put_object(settings.processed_bucket, metadata_key(id), to_text(doc, 2) + "\n", put);
}

// A job's user arguments in place of the function's settings: thumbnailSizes ("128,256,1024"),
// thumbnailFormats ("webp,jpeg") and thumbnailQuality (1 to 100). Throws std::invalid_argument
// naming a bad or unknown one.
Settings with_user_arguments(Settings s, const std::map<std::string, std::string>& arguments) {
  for (const auto& [name, value] : arguments) {
    const std::string what = "userArguments." + name;
    if (name == "thumbnailSizes") {
      s.thumbnail_sizes = parse_sizes(value, what);
    } else if (name == "thumbnailFormats") {
      s.thumbnail_formats = parse_thumbnail_formats(value, what);
    } else if (name == "thumbnailQuality") {
      const auto quality = parse_decimal(value, 100);
      if (!quality || *quality == 0) throw std::invalid_argument(what + " must be 1 to 100, not \"" + value + "\"");
      s.thumbnail_quality = static_cast<int>(*quality);
    } else {
      throw std::invalid_argument("unknown user argument " + name +
                                  " (thumbnailSizes, thumbnailFormats and thumbnailQuality are understood)");
    }
  }
  return s;
}

// One task of a reprocessing job. What no retry can mend (a bad image, a missing key, an
// archived original not restored) fails the task; throttling asks for another try; anything
// else is thrown, a function error, which the job retries.
BatchTaskResult reprocess_task(Context& ctx, const Settings& settings, const std::string& job_id,
                               const BatchTask& task) {
  try {
    const Upload upload(ctx, task.bucket, task.key, std::nullopt, image_id_for_key(task.key));
    Json written = Json::array();
    Json doc = make_thumbnails_of(ctx, settings, upload, unquoted(upload.object.etag), written);
    // GET /images/{id} lists the sizes the metadata names beside the configured ones.
    doc["thumbnailSizes"] = settings.thumbnail_sizes;
    doc["reprocessedBy"] = {{"job", job_id}};
    write_metadata(ctx, settings, upload.id, source_link(upload), std::move(doc));
    return {task.task_id, "Succeeded", std::to_string(written.size()) + " thumbnails and " + metadata_key(upload.id)};
  } catch (const ImageError& e) {
    return {task.task_id, "PermanentFailure", e.type() + ": " + e.what()};
  } catch (const S3Exception& e) {
    const bool transient = e.status() >= 500 || e.code() == "SlowDown";
    std::string reason = e.code();
    if (e.code() == "InvalidObjectState") reason += ": the original is archived; restore it first";
    return {task.task_id, transient ? "TemporaryFailure" : "PermanentFailure", reason};
  }
}

}  // namespace

Json thumbnail(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json written = Json::array(), described = Json::object();
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    const Upload upload(ctx, record.bucket_name, record.key, record.size, image_id_for_key(record.key));
    described[upload.id] = make_thumbnails_of(ctx, settings, upload, record.etag, written);
  }
  return Json{{"thumbnails", written}, {"images", described}};
}

Json thumbnail_batch(const BatchJobEvent& event, Context& ctx) {
  std::optional<Settings> settings;
  std::string bad_arguments;
  try {
    settings = with_user_arguments(Settings::from(ctx), event.user_arguments);
  } catch (const std::invalid_argument& e) {
    bad_arguments = e.what();
  }
  std::vector<BatchTaskResult> results;
  for (const auto& task : event.tasks) {
    if (!settings) {
      results.push_back({task.task_id, "PermanentFailure", bad_arguments});
      continue;
    }
    results.push_back(reprocess_task(ctx, *settings, event.job_id, task));
  }
  return batch_response(event, results);
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
      const Upload upload(ctx, record.bucket_name, record.key, record.size, id);
      const ImageInfo info = inspect_image(upload.file.path(), settings.limits);
      doc = describe(upload, record.etag, info, fingerprint_image(upload.file.path(), info));
    }
    ctx.log("metadata for " + id + ": " + doc->value("format", "") + " " + std::to_string(doc->value("width", 0)) +
            "x" + std::to_string(doc->value("height", 0)) + ", " +
            doc->value("fingerprint", Json::object()).value("dominantColour", "") + ", " + described_by);
    write_metadata(ctx, settings, id, "s3://" + record.bucket_name + "/" + record.key, std::move(*doc));
    written.push_back(metadata_key(id));
  }
  return Json{{"metadata", written}};
}

}  // namespace bf::pipeline
