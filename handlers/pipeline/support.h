// What the reference pipeline's functions share: their settings (from the function's
// environment, with the defaults fixtures/pipeline.json uses), temp files for downloads,
// JSON objects in S3, and HTTP API answers.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "handlers/pipeline/image_keys.h"
#include "handlers/pipeline/image_ops.h"
#include "sdk/context.h"
#include "sdk/hash.h"
#include "sdk/json.h"

namespace bf::pipeline {

struct Settings {
  std::string ingest_bucket;     // INGEST_BUCKET, "ingest"
  std::string processed_bucket;  // PROCESSED_BUCKET, "processed"
  std::string archive_bucket;    // ARCHIVE_BUCKET, "archive"
  std::vector<int> thumbnail_sizes;                 // THUMBNAIL_SIZES, "256,1024"
  std::vector<ThumbnailFormat> thumbnail_formats;   // THUMBNAIL_FORMATS, "webp,jpeg"
  int thumbnail_quality = 82;                       // THUMBNAIL_QUALITY
  std::uint64_t max_upload_bytes = 50ull << 20;     // MAX_UPLOAD_BYTES
  ImageLimits limits;                               // MAX_PIXELS, 50 000 000
  std::chrono::seconds url_expiry{900};             // URL_EXPIRES_SECONDS, 15 minutes
  std::string archive_storage_class;                // ARCHIVE_STORAGE_CLASS, "INTELLIGENT_TIERING"
  int restore_days = 7;                             // RESTORE_DAYS: how long a restored copy stays
  std::string restore_tier;                         // RESTORE_TIER, "Standard" (or Bulk, Expedited)

  // Throws FunctionError("ConfigurationError") naming the variable that is wrong.
  static Settings from(const Context& ctx);
};

// Where a download goes while libvips reads it, removed when this goes away: an anonymous
// memory file for objects up to 64 MiB (creating and deleting a file on disk per image is a
// measurable part of the pipeline's cost), else a file under $TMPDIR (else /tmp).
class TempFile {
 public:
  explicit TempFile(std::uint64_t expected_size);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool on_disk_ = false;
};

// Streams the object into `file` (never whole in memory); its SHA-256 into `sha256_hex` if given.
ObjectInfo download(Context& ctx, const std::string& bucket, const std::string& key, TempFile& file,
                    std::string* sha256_hex = nullptr);

// Streams what a presigned GET URL names (an Object Lambda event's inputS3Url) into `file`.
ObjectInfo download_presigned(Context& ctx, const std::string& url, TempFile& file);

struct TextObject {
  std::string text;
  std::string etag;  // quoted
};
// The object at bucket/key, or nothing if there is no such key.
std::optional<TextObject> read_text(Context& ctx, const std::string& bucket, const std::string& key);

struct JsonObject {
  Json value;
  std::string etag;  // quoted
};
// The JSON object at bucket/key, or nothing if there is no such key.
std::optional<JsonObject> read_json(Context& ctx, const std::string& bucket, const std::string& key);
// The object's headers (HEAD), or nothing if there is no such key.
std::optional<ObjectInfo> head_if_exists(Context& ctx, const std::string& bucket, const std::string& key);
// Whether the key exists (HEAD).
bool object_exists(Context& ctx, const std::string& bucket, const std::string& key);

// A path parameter of an HTTP API (payload 2.0) event ("" when absent).
std::string path_param(const Json& event, const char* name);

// An HTTP API (payload 2.0) answer with a JSON body.
Json http_json(int status, const Json& body);
Json http_error(int status, const std::string& message);

// "2026-11-27T22:15:00Z"
std::string iso8601(std::chrono::system_clock::time_point t);

}  // namespace bf::pipeline
