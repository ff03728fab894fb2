#include "handlers/pipeline/image_keys.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf::pipeline {

namespace {

std::string_view file_stem(std::string_view key) {
  auto slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  return name.substr(0, name.find('.'));
}

}  // namespace

const std::vector<ImageFormat>& image_formats() {
  static const std::vector<ImageFormat> formats = {
      {"image/jpeg", "jpg", "jpegload"}, {"image/png", "png", "pngload"},
      {"image/webp", "webp", "webpload"}, {"image/heic", "heic", "heifload"},
      {"image/avif", "avif", "heifload"}, {"image/tiff", "tif", "tiffload"},
      {"image/gif", "gif", "gifload"},
  };
  return formats;
}

std::optional<ImageFormat> format_for_content_type(std::string_view content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';')))
    if (!std::isspace(static_cast<unsigned char>(c))) type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& f : image_formats())
    if (f.content_type == type) return f;
  return std::nullopt;
}

std::optional<ThumbnailFormat> thumbnail_format(std::string_view name) {
  if (name == "webp") return ThumbnailFormat{"webp", "webp", "image/webp"};
  if (name == "jpeg" || name == "jpg") return ThumbnailFormat{"jpeg", "jpg", "image/jpeg"};
  return std::nullopt;
}

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value `accept` names `type` ("image/webp") with, 0 when it does not name it.
double named_quality(std::string_view accept, std::string_view type) {
  double best = 0;
  while (!accept.empty()) {
    std::string_view item = accept.substr(0, accept.find(','));
    accept.remove_prefix(std::min(accept.size(), item.size() + 1));
    const std::string_view range = trimmed(item.substr(0, item.find(';')));
    if (range.size() != type.size() || !std::equal(range.begin(), range.end(), type.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        }))
      continue;
    double q = 1;
    for (std::string_view params = item.substr(std::min(item.size(), item.find(';'))); !params.empty();) {
      if (params.front() == ';') params.remove_prefix(1);
      const std::string_view param = trimmed(params.substr(0, params.find(';')));
      params.remove_prefix(std::min(params.size(), params.find(';')));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
        q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
    }
    best = std::max(best, q);
  }
  return best;
}

}  // namespace

ThumbnailFormat format_for_accept(std::string_view accept, bool avif) {
  // Only a format the client names is chosen over JPEG: "*/*" (curl) or "image/*" alone get the
  // format every viewer reads.
  const ThumbnailFormat jpeg{"jpeg", "jpg", "image/jpeg"};
  std::vector<ThumbnailFormat> candidates;  // in order of preference on a tie
  if (avif) candidates.push_back({"avif", "avif", "image/avif"});
  candidates.push_back({"webp", "webp", "image/webp"});
  candidates.push_back(jpeg);
  const ThumbnailFormat* best = nullptr;
  double best_q = 0;
  for (const auto& candidate : candidates) {
    const double q = named_quality(accept, candidate.content_type);
    if (q > best_q) best = &candidate, best_q = q;
  }
  return best ? *best : jpeg;
}

std::string upload_key(const std::string& id, const std::string& extension,
                       std::chrono::system_clock::time_point when) {
  return format_utc(when, "uploads/%Y/%m/") + id + "." + extension;
}

bool is_image_id(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    if (dash ? c != '-' : !(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string image_id_for_key(std::string_view key) {
  if (std::string_view stem = file_stem(key); is_image_id(stem)) return std::string(stem);
  // Name-based, in the shape of a version 5 UUID: the same key always gets the same id.
  std::string hex = to_hex(sha1(std::string("bucketfire-image:") + std::string(key))).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

std::string thumbnail_prefix(int size, const std::string& id) {
  return "thumbnails/" + std::to_string(size) + "/" + id + ".";
}

std::string thumbnail_key(int size, const std::string& id, const ThumbnailFormat& format) {
  return thumbnail_prefix(size, id) + format.extension;
}

std::string metadata_key(const std::string& id) { return "metadata/" + id + ".json"; }

std::string restore_key(const std::string& id) { return "restores/" + id + ".json"; }

std::optional<std::string> id_from_artefact_key(std::string_view key) {
  if (!key.starts_with("metadata/") && !key.starts_with("thumbnails/")) return std::nullopt;
  std::string_view stem = file_stem(key);
  if (!is_image_id(stem)) return std::nullopt;
  return std::string(stem);
}

std::vector<int> parse_sizes(const std::string& list, const std::string& what) {
  std::vector<int> sizes;
  for (const auto& item : split_comma_list(ascii_lower(list))) {
    std::size_t used = 0;
    int size = 0;
    try {
      size = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || size < 16 || size > 4096)
      throw std::invalid_argument(what + ": \"" + item + "\" is not a size from 16 to 4096");
    sizes.push_back(size);
  }
  if (sizes.empty()) throw std::invalid_argument(what + ": no sizes given");
  return sizes;
}

std::vector<ThumbnailFormat> parse_thumbnail_formats(const std::string& list, const std::string& what) {
  std::vector<ThumbnailFormat> formats;
  for (const auto& item : split_comma_list(ascii_lower(list))) {
    auto f = thumbnail_format(item);
    if (!f) throw std::invalid_argument(what + ": \"" + item + "\" is not webp or jpeg");
    formats.push_back(*f);
  }
  if (formats.empty()) throw std::invalid_argument(what + ": no formats given");
  return formats;
}

}  // namespace bf::pipeline
