// The processors. On every upload to ingest, `metadata` writes what the image is to
// processed/metadata/; when it succeeds, `thumbnail` (its on-success destination) writes the
// configured sizes and encodings to processed/thumbnails/. Bad input throws ImageError, so the
// invocation fails with a reason that the on-failure destination records.
#include <chrono>

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

template <class Handle>
void for_each_upload(const S3Event& event, Context& ctx, Handle&& handle) {
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    Upload upload{record, image_id_for_key(record.key), {}, {}, {}};
    upload.object = download(ctx, record.bucket_name, record.key, upload.file, &upload.sha256);
    handle(upload);
  }
}

}  // namespace

Json thumbnail(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json written = Json::array();
  for_each_upload(event, ctx, [&](const Upload& upload) {
    const auto& [record, id, file, object, sha256] = upload;
    const ImageInfo info = inspect_image(file.path(), settings.limits);
    for (int size : settings.thumbnail_sizes) {
      for (const auto& format : settings.thumbnail_formats) {
        const std::string bytes = make_thumbnail(file.path(), size, format, settings.thumbnail_quality);
        PutObjectOptions put;
        put.content_type = format.content_type;
        put.metadata = {{"source", source_link(record)}, {"source-etag", record.etag}, {"image-id", id}};
        const std::string key = thumbnail_key(size, id, format);
        ctx.s3().put_object(settings.processed_bucket, key, bytes, put);
        written.push_back(key);
      }
    }
    ctx.log("thumbnails for " + id + " (" + info.format + " " + std::to_string(info.width) + "x" +
            std::to_string(info.height) + "): " + std::to_string(written.size()) + " written");
  });
  return Json{{"thumbnails", written}};
}

Json metadata(const S3Event& event, Context& ctx) {
  const Settings settings = Settings::from(ctx);
  Json written = Json::array();
  for_each_upload(event, ctx, [&](const Upload& upload) {
    const auto& [record, id, file, object, sha256] = upload;
    const ImageInfo info = inspect_image(file.path(), settings.limits);
    const Fingerprint fp = fingerprint_image(file.path());

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
        {"fingerprint", {{"dhash", dhash_hex(fp.dhash)}, {"histogram", histogram_hex(fp.histogram)},
                         {"dominantColour", fp.dominant_colour}}},
        {"processedAt", iso8601_now()},
    };
    PutObjectOptions put;
    put.content_type = "application/json";
    put.metadata = {{"source", source_link(record)}, {"image-id", id}};
    const std::string key = metadata_key(id);
    ctx.s3().put_object(settings.processed_bucket, key, to_text(doc, 2) + "\n", put);
    written.push_back(key);
    ctx.log("metadata for " + id + ": " + info.format + " " + std::to_string(info.width) + "x" +
            std::to_string(info.height) + ", " + fp.dominant_colour);
  });
  return Json{{"metadata", written}};
}

}  // namespace bf::pipeline
