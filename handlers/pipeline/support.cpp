#include "handlers/pipeline/support.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "sdk/text.h"

namespace bf::pipeline {

namespace {

std::uint64_t env_number(const Context& ctx, const std::string& name, std::uint64_t fallback) {
  const std::string text = ctx.env(name);
  if (text.empty()) return fallback;
  try {
    std::size_t used = 0;
    const unsigned long long value = std::stoull(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  throw FunctionError("ConfigurationError", name + " must be a positive integer, not \"" + text + "\"");
}

}  // namespace

Settings Settings::from(const Context& ctx) {
  Settings s;
  s.ingest_bucket = ctx.env("INGEST_BUCKET", "ingest");
  s.processed_bucket = ctx.env("PROCESSED_BUCKET", "processed");
  s.archive_bucket = ctx.env("ARCHIVE_BUCKET", "archive");
  try {
    s.thumbnail_sizes = parse_sizes(ctx.env("THUMBNAIL_SIZES", "256,1024"), "THUMBNAIL_SIZES");
    s.thumbnail_formats = parse_thumbnail_formats(ctx.env("THUMBNAIL_FORMATS", "webp,jpeg"), "THUMBNAIL_FORMATS");
  } catch (const std::invalid_argument& e) {
    throw FunctionError("ConfigurationError", e.what());
  }
  s.thumbnail_quality = static_cast<int>(env_number(ctx, "THUMBNAIL_QUALITY", 82));
  if (s.thumbnail_quality > 100) throw FunctionError("ConfigurationError", "THUMBNAIL_QUALITY must be 1 to 100");
  s.max_upload_bytes = env_number(ctx, "MAX_UPLOAD_BYTES", 50ull << 20);
  s.limits.max_pixels = env_number(ctx, "MAX_PIXELS", 50'000'000);
  s.url_expiry = std::chrono::seconds(env_number(ctx, "URL_EXPIRES_SECONDS", 900));
  s.archive_storage_class = ctx.env("ARCHIVE_STORAGE_CLASS", "INTELLIGENT_TIERING");
  const std::uint64_t restore_days = env_number(ctx, "RESTORE_DAYS", 7);
  if (restore_days > 36500) throw FunctionError("ConfigurationError", "RESTORE_DAYS must be at most 36500");
  s.restore_days = static_cast<int>(restore_days);
  s.restore_tier = ctx.env("RESTORE_TIER", "Standard");
  if (s.restore_tier != "Standard" && s.restore_tier != "Bulk" && s.restore_tier != "Expedited")
    throw FunctionError("ConfigurationError", "RESTORE_TIER must be Standard, Bulk or Expedited");
  return s;
}

TempFile::TempFile(std::uint64_t expected_size) {
  constexpr std::uint64_t kInMemoryLimit = 64ull << 20;
  if (expected_size <= kInMemoryLimit) {
    fd_ = ::memfd_create("bucketfire-image", MFD_CLOEXEC);
    if (fd_ >= 0) {
      path_ = "/proc/self/fd/" + std::to_string(fd_);
      return;
    }
  }
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/bucketfire-image-XXXXXX";
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) throw std::runtime_error("cannot create a temp file in " + pattern);
  path_ = pattern;
  on_disk_ = true;
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (on_disk_) ::unlink(path_.c_str());
}

namespace {

void append(TempFile& file, std::string_view bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(file.fd(), bytes.data() + done, bytes.size() - done);
    if (n <= 0) throw std::runtime_error("cannot write " + file.path());
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

ObjectInfo download(Context& ctx, const std::string& bucket, const std::string& key, TempFile& file,
                    std::string* sha256_hex) {
  std::optional<Digest> digest;
  if (sha256_hex) digest.emplace(Digest::Kind::Sha256);
  ObjectInfo info = ctx.s3().get_object(bucket, key, [&](std::string_view bytes) {
    if (digest) digest->update(bytes);
    append(file, bytes);
  });
  if (digest) *sha256_hex = to_hex(digest->finish());
  return info;
}

ObjectInfo download_presigned(Context& ctx, const std::string& url, TempFile& file) {
  return ctx.s3().get_presigned(url, [&](std::string_view bytes) { append(file, bytes); });
}

std::optional<TextObject> read_text(Context& ctx, const std::string& bucket, const std::string& key) {
  try {
    GetObjectResult got = ctx.s3().get_object(bucket, key);
    return TextObject{std::move(got.body), got.info.etag};
  } catch (const S3Exception& e) {
    if (e.code() == "NoSuchKey") return std::nullopt;
    throw;
  }
}

std::optional<JsonObject> read_json(Context& ctx, const std::string& bucket, const std::string& key) {
  auto object = read_text(ctx, bucket, key);
  if (!object) return std::nullopt;
  return JsonObject{Json::parse(object->text), object->etag};
}

std::optional<ObjectInfo> head_if_exists(Context& ctx, const std::string& bucket, const std::string& key) {
  try {
    return ctx.s3().head_object(bucket, key);
  } catch (const S3Exception& e) {
    if (e.status() == 404) return std::nullopt;
    throw;
  }
}

bool object_exists(Context& ctx, const std::string& bucket, const std::string& key) {
  return head_if_exists(ctx, bucket, key).has_value();
}

std::string path_param(const Json& event, const char* name) {
  const Json params = event.value("pathParameters", Json::object());
  return params.value(name, "");
}

Json http_json(int status, const Json& body) {
  return Json{{"statusCode", status},
              {"headers", {{"content-type", "application/json"}}},
              {"body", to_text(body)}};
}

Json http_error(int status, const std::string& message) { return http_json(status, Json{{"message", message}}); }

std::string iso8601(std::chrono::system_clock::time_point t) { return format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace bf::pipeline
