// The image work of the reference pipeline, on libvips: what an image is (format, size,
// colour, EXIF), thumbnails with autorotation and colour management, and a compact
// fingerprint for similarity. Images are read from files (a handler downloads to /tmp first),
// so libvips can shrink on load instead of decoding every pixel.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "handlers/pipeline/image_keys.h"
#include "sdk/context.h"
#include "sdk/json.h"

namespace bf::pipeline {

// Bad input, reported to Lambda with these error types so a failure record says why:
// EmptyImage, UnsupportedImage, CorruptImage, ImageTooLarge.
class ImageError : public FunctionError {
 public:
  using FunctionError::FunctionError;
};

struct ImageLimits {
  std::uint64_t max_pixels = 50'000'000;  // width x height x pages; a decompression bomb stops here
};

// Starts libvips once per process (its operation cache off: temp files are reused names).
void ensure_vips();
// Whether this libvips has the named loader ("heifload"), so HEIC/AVIF are accepted only
// where they can be read.
bool has_loader(const std::string& loader);

// Whether this libvips can write AVIF (its HEIF saver with an AV1 encoder), tried once.
bool can_write_avif();

struct ImageInfo {
  std::string format;          // jpeg, png, webp, heic, avif, tiff, gif
  int width = 0, height = 0;   // as displayed (after EXIF orientation)
  int orientation = 1;         // EXIF orientation, 1..8
  int bands = 0;
  int pages = 1;
  std::string colour_space;    // libvips interpretation: srgb, b-w, cmyk, rgb16, ...
  bool has_alpha = false;
  bool has_icc_profile = false;
  Json exif = Json::object();  // make, model, lens, exposureTime, fNumber, iso, focalLength, takenAt, gps
};

// Reads the header only. Throws ImageError for an empty, unknown, unreadable or too large image.
ImageInfo inspect_image(const std::string& path, const ImageLimits& limits);

struct Fingerprint {
  std::uint64_t dhash = 0;          // 64-bit difference hash of a 9x8 grid of mean luminances
  std::vector<double> histogram;    // 64 bins (4 levels per RGB channel), summing to 1
  std::string dominant_colour;      // a colour name for the fullest histogram bin
};

// A thumbnail fitting size x size (never enlarged), autorotated, converted to sRGB when the
// image carries a profile (`info`, from inspect_image), metadata stripped; with
// `fingerprint`, the image's fingerprint from the same decode. Throws
// ImageError(CorruptImage) if the pixels cannot be decoded (a truncated file).
std::string make_thumbnail(const std::string& path, const ImageInfo& info, int size, const ThumbnailFormat& format,
                           int quality, Fingerprint* fingerprint = nullptr);
// `format` may also be {"avif", "avif", "image/avif"} where can_write_avif().
// The same size in each of `formats` (in that order) from one decode; with no formats, only
// the fingerprint.
std::vector<std::string> make_thumbnails(const std::string& path, const ImageInfo& info, int size,
                                         const std::vector<ThumbnailFormat>& formats, int quality,
                                         Fingerprint* fingerprint = nullptr);

// The fingerprint from a small decode of the file.
Fingerprint fingerprint_image(const std::string& path, const ImageInfo& info);

// Similarity of two fingerprints, 0 (unrelated) to 1 (the same picture).
int hamming_distance(std::uint64_t a, std::uint64_t b);
double histogram_intersection(const std::vector<double>& a, const std::vector<double>& b);
double similarity(std::uint64_t dhash_a, const std::vector<double>& hist_a, std::uint64_t dhash_b,
                  const std::vector<double>& hist_b);

// Stored forms: the histogram as 64 bytes in hex (each bin x 255), compact to parse.
std::string histogram_hex(const std::vector<double>& histogram);
std::vector<double> histogram_from_hex(const std::string& hex);  // empty on a malformed value
std::string dhash_hex(std::uint64_t dhash);
std::uint64_t dhash_from_hex(const std::string& hex);  // 0 on a malformed value

}  // namespace bf::pipeline
