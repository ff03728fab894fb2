// Where the reference pipeline keeps things: upload keys in `ingest`, thumbnails, metadata
// and the search index in `processed`, and the formats it accepts. One place for the naming
// scheme, shared by every function of the pipeline.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bf::pipeline {

struct ImageFormat {
  std::string content_type;  // "image/jpeg"
  std::string extension;     // "jpg"
  std::string loader;        // the libvips loader family that reads it: "jpegload"
};

// The accepted upload formats, in a fixed order.
const std::vector<ImageFormat>& image_formats();
std::optional<ImageFormat> format_for_content_type(std::string_view content_type);

// A thumbnail encoding: "webp" or "jpeg".
struct ThumbnailFormat {
  std::string name;          // "jpeg"
  std::string extension;     // "jpg"
  std::string content_type;  // "image/jpeg"
};
std::optional<ThumbnailFormat> thumbnail_format(std::string_view name);
// What to re-encode an image as for a client sending `accept` (an HTTP Accept header): of the
// formats it names, the one with the highest q-value (AVIF, only when `avif`, then WebP, then
// JPEG on a tie); JPEG when it names none of them (empty, "*/*", "image/*").
ThumbnailFormat format_for_accept(std::string_view accept, bool avif);

// "uploads/2026/11/<id>.jpg": the upload's key in the ingest bucket.
std::string upload_key(const std::string& id, const std::string& extension,
                       std::chrono::system_clock::time_point when);
// "8-4-4-4-12" lower-case hex.
bool is_image_id(std::string_view text);
// The id of the image at `key`: the file name's stem when it is an id (keys made by
// upload_key), otherwise a stable id derived from the key, so uploads made any other way
// (aws s3 cp) flow through too.
std::string image_id_for_key(std::string_view key);

std::string thumbnail_key(int size, const std::string& id, const ThumbnailFormat& format);
std::string thumbnail_prefix(int size, const std::string& id);  // "thumbnails/256/<id>."
std::string metadata_key(const std::string& id);                // "metadata/<id>.json"
std::string restore_key(const std::string& id);                 // "restores/<id>.json"
// The id in a metadata or thumbnail key, if it is one.
std::optional<std::string> id_from_artefact_key(std::string_view key);
inline constexpr std::string_view kIndexKey = "index/search-index.json";

// "256,1024" -> {256, 1024}; throws std::invalid_argument naming `what` on a bad list.
std::vector<int> parse_sizes(const std::string& list, const std::string& what);
// "webp,jpeg" -> the formats; throws std::invalid_argument on an unknown one.
std::vector<ThumbnailFormat> parse_thumbnail_formats(const std::string& list, const std::string& what);

}  // namespace bf::pipeline
