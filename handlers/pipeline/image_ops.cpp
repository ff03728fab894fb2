#include "handlers/pipeline/image_ops.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vips/vips8>

namespace bf::pipeline {

using vips::VError;
using vips::VImage;
using vips::VSource;

namespace {

// Only these loaders may read uploads; anything else libvips could open (ImageMagick, PDF,
// SVG, matrix files) is refused as unsupported rather than trusted.
constexpr std::array<std::string_view, 6> kAllowedLoaders = {"jpegload", "pngload", "webpload",
                                                             "heifload", "tiffload", "gifload"};

// libvips keeps one error buffer for the process, so a message may carry lines about other
// images being decoded at the same time (other downloads): keep this image's lines, call it
// "image", and make one line of them for the failure record.
std::string vips_message(const std::exception& e, const std::string& path) {
  const std::string text = e.what();
  vips_error_clear();
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const auto own = line.find(path);
    if (own == std::string::npos &&
        (line.find("bucketfire-image-") != std::string::npos || line.find("/proc/self/fd/") != std::string::npos))
      continue;
    if (own != std::string::npos) line.replace(own, path.size(), "image");
    out += (out.empty() ? "" : "; ") + line;
  }
  return out;
}

std::uint64_t file_size(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return static_cast<std::uint64_t>(st.st_size);
}

// EXIF fields come back from libvips as "raw (readable, Format, N components, M bytes)".
std::string exif_raw(const std::string& field) {
  for (std::size_t at = field.find(" ("); at != std::string::npos; at = field.find(" (", at + 1)) {
    const std::string raw = field.substr(0, at);
    if (field.compare(at + 2, raw.size() + 2, raw + ", ") == 0) return raw;  // text: raw == readable
  }
  auto at = field.find(" (");
  return at == std::string::npos ? field : field.substr(0, at);
}

std::string exif_field(VImage& image, const char* name) {
  if (image.get_typeof(name) == 0) return "";
  std::string value = exif_raw(image.get_string(name));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.pop_back();
  return value;
}

std::vector<double> rationals(const std::string& raw) {
  std::vector<double> out;
  std::size_t at = 0;
  while (at < raw.size()) {
    std::size_t end = raw.find(' ', at);
    if (end == std::string::npos) end = raw.size();
    const std::string part = raw.substr(at, end - at);
    long long n = 0, d = 1;
    if (std::sscanf(part.c_str(), "%lld/%lld", &n, &d) == 2 && d != 0)
      out.push_back(static_cast<double>(n) / static_cast<double>(d));
    else if (std::sscanf(part.c_str(), "%lld", &n) == 1)
      out.push_back(static_cast<double>(n));
    at = end + 1;
  }
  return out;
}

double rounded(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

std::optional<double> gps_degrees(VImage& image, const char* value_field, const char* ref_field) {
  auto parts = rationals(exif_field(image, value_field));
  if (parts.size() != 3) return std::nullopt;
  double degrees = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  const std::string ref = exif_field(image, ref_field);
  if (ref == "S" || ref == "W") degrees = -degrees;
  return rounded(degrees, 6);
}

Json read_exif(VImage& image) {
  Json exif = Json::object();
  auto text = [&](const char* key, const char* field) {
    if (std::string v = exif_field(image, field); !v.empty()) exif[key] = v;
  };
  text("make", "exif-ifd0-Make");
  text("model", "exif-ifd0-Model");
  text("lens", "exif-ifd2-LensModel");
  text("software", "exif-ifd0-Software");
  if (std::string v = exif_field(image, "exif-ifd2-ExposureTime"); !v.empty()) exif["exposureTime"] = v;
  if (auto f = rationals(exif_field(image, "exif-ifd2-FNumber")); f.size() == 1) exif["fNumber"] = rounded(f[0], 1);
  if (auto f = rationals(exif_field(image, "exif-ifd2-FocalLength")); f.size() == 1) exif["focalLength"] = rounded(f[0], 1);
  for (const char* iso : {"exif-ifd2-ISOSpeedRatings", "exif-ifd2-PhotographicSensitivity"})
    if (auto v = rationals(exif_field(image, iso)); !v.empty() && !exif.contains("iso")) exif["iso"] = static_cast<int>(v[0]);
  // "2024:06:01 18:42:10" -> "2024-06-01T18:42:10" (local time of the camera, no zone)
  if (std::string t = exif_field(image, "exif-ifd2-DateTimeOriginal"); t.size() >= 19 && t[4] == ':') {
    t[4] = '-';
    t[7] = '-';
    t[10] = 'T';
    exif["takenAt"] = t.substr(0, 19);
  }
  auto lat = gps_degrees(image, "exif-ifd3-GPSLatitude", "exif-ifd3-GPSLatitudeRef");
  auto lon = gps_degrees(image, "exif-ifd3-GPSLongitude", "exif-ifd3-GPSLongitudeRef");
  if (lat && lon) exif["gps"] = Json{{"latitude", *lat}, {"longitude", *lon}};
  return exif;
}

std::string format_name(const std::string& loader, VImage& image) {
  if (loader.starts_with("heifload")) {
    if (image.get_typeof("heif-compression") != 0 && std::string(image.get_string("heif-compression")) == "av1")
      return "avif";
    return "heic";
  }
  if (loader.starts_with("tiffload")) return "tiff";
  return loader.substr(0, loader.find("load"));
}

// Images are opened as sources: their format is sniffed from the bytes by the loaders that
// read sources (every format accepted here), once per open, where a file name would also be
// offered to every file loader, some of which open the file again to look.
VSource open_source(const std::string& path) {
  try {
    return VSource::new_from_file(path.c_str());
  } catch (const VError& e) {
    throw std::runtime_error("cannot open " + path + ": " + e.what());
  }
}

// Colour management costs a transform per image, so it is asked for only when the image
// carries its own profile (a Display P3 or Adobe RGB photo): converted to sRGB then. Images
// without one are taken to be sRGB already, as browsers take them.
vips::VOption* thumbnail_options(const ImageInfo& info, int height, VipsSize size) {
  // A truncated file fails rather than gets a grey bottom. libvips 8.14 applies fail_on to a
  // source's loader only when it comes as a load option.
  auto* options = VImage::option()->set("height", height)->set("size", size)->set("option_string", "fail_on=truncated");
  if (info.has_icc_profile) options->set("export_profile", "srgb");
  return options;
}

// sRGB, 8-bit, three bands: alpha flattened onto white.
VImage as_srgb8(VImage image) {
  if (image.interpretation() != VIPS_INTERPRETATION_sRGB) image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  if (image.has_alpha()) image = image.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  if (image.bands() > 3) image = image.extract_band(0, VImage::option()->set("n", 3));
  return image.cast(VIPS_FORMAT_UCHAR);
}

std::string colour_name(int r, int g, int b) {
  const double rf = r / 255.0, gf = g / 255.0, bf = b / 255.0;
  const double mx = std::max({rf, gf, bf}), mn = std::min({rf, gf, bf});
  const double lightness = (mx + mn) / 2, chroma = mx - mn;
  if (chroma < 0.12) return lightness < 0.25 ? "black" : lightness > 0.8 ? "white" : "grey";
  double hue = 0;
  if (mx == rf) hue = std::fmod((gf - bf) / chroma, 6.0);
  else if (mx == gf) hue = (bf - rf) / chroma + 2;
  else hue = (rf - gf) / chroma + 4;
  hue *= 60;
  if (hue < 0) hue += 360;
  if (hue < 15 || hue >= 340) return "red";
  if (hue < 45) return lightness < 0.35 ? "brown" : "orange";
  if (hue < 70) return "yellow";
  if (hue < 165) return "green";
  if (hue < 200) return "cyan";
  if (hue < 260) return "blue";
  if (hue < 300) return "purple";
  return "pink";
}

}  // namespace

void ensure_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("bucketfire")) throw std::runtime_error("libvips failed to start");
    vips_cache_set_max(0);
    // One worker thread per image unless VIPS_CONCURRENCY says otherwise: an invocation
    // handles one image, and images are processed side by side by concurrent invocations
    // (a Lambda environment of 1 GB has about half a vCPU), so more threads per image would
    // only hand rows between threads on cores that are already busy.
    if (!std::getenv("VIPS_CONCURRENCY")) vips_concurrency_set(1);
    // Decoder warnings (a corrupt marker, a truncated file) become ImageErrors with the
    // message; printed as well they would only clutter the server's console.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {},
                      nullptr);
    vips_block_untrusted_set(TRUE);
  });
}

bool has_loader(const std::string& loader) {
  ensure_vips();
  return vips_type_find("VipsOperation", loader.c_str()) != 0;
}

bool can_write_avif() {
  static const bool can = [] {
    ensure_vips();
    if (vips_type_find("VipsOperation", "heifsave_buffer") == 0) return false;
    try {
      VipsBlob* blob = VImage::black(16, 16, VImage::option()->set("bands", 3))
                           .heifsave_buffer(VImage::option()->set("compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1));
      vips_area_unref(VIPS_AREA(blob));
      return true;
    } catch (const VError&) {  // libheif without an AV1 encoder
      vips_error_clear();
      return false;
    }
  }();
  return can;
}

ImageInfo inspect_image(const std::string& path, const ImageLimits& limits) {
  ensure_vips();
  if (file_size(path) == 0) throw ImageError("EmptyImage", "the object is empty (0 bytes)");
  VSource source = open_source(path);
  const char* found = vips_foreign_find_load_source(source.get_source());
  if (!found) {
    vips_error_clear();
    throw ImageError("UnsupportedImage", "not an image format this pipeline reads (JPEG, PNG, WebP, HEIC, AVIF, TIFF, GIF)");
  }
  // libvips names the loader's class ("VipsForeignLoadJpegSource"); its nickname is
  // "jpegload_source".
  const char* nickname = vips_nickname_find(g_type_from_name(found));
  const std::string loader = nickname ? nickname : found;
  if (std::none_of(kAllowedLoaders.begin(), kAllowedLoaders.end(),
                   [&](std::string_view allowed) { return loader.starts_with(allowed); }))
    throw ImageError("UnsupportedImage", "format read by " + loader + " is not accepted");
  try {
    VImage image = VImage::new_from_source(source, "", VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    ImageInfo info;
    info.format = format_name(loader, image);
    info.pages = image.get_typeof("n-pages") != 0 ? std::max(1, image.get_int("n-pages")) : 1;
    const std::uint64_t pixels = static_cast<std::uint64_t>(image.width()) *
                                 static_cast<std::uint64_t>(image.height());
    if (pixels > limits.max_pixels)
      throw ImageError("ImageTooLarge", std::to_string(image.width()) + "x" + std::to_string(image.height()) + " is " +
                                            std::to_string(pixels / 1'000'000) + " megapixels, above the limit of " +
                                            std::to_string(limits.max_pixels / 1'000'000) + " megapixels");
    info.orientation = vips_image_get_orientation(image.get_image());
    const bool swapped = info.orientation >= 5 && info.orientation <= 8;
    info.width = swapped ? image.height() : image.width();
    info.height = swapped ? image.width() : image.height();
    info.bands = image.bands();
    info.colour_space = vips_enum_nick(VIPS_TYPE_INTERPRETATION, image.interpretation());
    info.has_alpha = image.has_alpha();
    info.has_icc_profile = image.get_typeof(VIPS_META_ICC_NAME) != 0;
    info.exif = read_exif(image);
    return info;
  } catch (const VError& e) {
    throw ImageError("CorruptImage", "cannot read the image: " + vips_message(e, path));
  }
}

namespace {

// The fingerprint of an already decoded (small) image, computed from its pixels in one pass
// (a handful of small libvips pipelines per image cost more than the arithmetic): the colour
// histogram over every pixel, the difference hash from a 9x8 grid of mean luminances.
Fingerprint fingerprint_of(const VImage& image) {
  VImage rgb8 = as_srgb8(image);
  const int width = rgb8.width(), height = rgb8.height();
  std::size_t length = 0;
  auto* px = static_cast<unsigned char*>(rgb8.write_to_memory(&length));
  std::array<double, 64> bins{};
  std::array<double, 72> luma{};  // 9 x 8 cells
  std::array<int, 72> counts{};
  for (int y = 0; y < height; ++y) {
    const int cy = std::min(7, y * 8 / height);
    for (int x = 0; x < width; ++x) {
      const unsigned char* p = px + (static_cast<std::size_t>(y) * width + x) * 3;
      bins[(p[0] >> 6) * 16 + (p[1] >> 6) * 4 + (p[2] >> 6)] += 1.0;
      const int cell = cy * 9 + std::min(8, x * 9 / width);
      luma[cell] += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      counts[cell] += 1;
    }
  }
  g_free(px);
  Fingerprint fp;
  const double pixels = std::max(1.0, static_cast<double>(width) * height);
  for (double& b : bins) b = rounded(b / pixels, 4);
  fp.histogram.assign(bins.begin(), bins.end());
  const auto fullest = static_cast<int>(std::max_element(bins.begin(), bins.end()) - bins.begin());
  fp.dominant_colour = colour_name((fullest / 16) * 64 + 32, ((fullest / 4) % 4) * 64 + 32, (fullest % 4) * 64 + 32);
  for (int cell = 0; cell < 72; ++cell) luma[cell] /= std::max(1, counts[cell]);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) fp.dhash = (fp.dhash << 1) | (luma[y * 9 + x] < luma[y * 9 + x + 1] ? 1u : 0u);
  return fp;
}

}  // namespace

namespace {

// libvips 8.14's WebP saver writes an EXIF chunk of its own (orientation, resolution) even with
// strip set: drop the EXIF and XMP chunks from the container and their flags from VP8X.
void drop_webp_metadata(std::string& webp) {
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(webp[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(webp[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(webp[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(webp[at + 3])) << 24;
  };
  if (webp.size() < 12 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0) return;
  std::string out = webp.substr(0, 12);
  for (std::size_t at = 12; at + 8 <= webp.size();) {
    const std::size_t length = 8 + u32(at + 4) + (u32(at + 4) & 1);
    if (at + length > webp.size()) return;  // not a container we understand: leave it
    const std::string_view fourcc(webp.data() + at, 4);
    if (fourcc != "EXIF" && fourcc != "XMP ") {
      out.append(webp, at, length);
      if (fourcc == "VP8X" && length > 8) out[out.size() - length + 8] &= static_cast<char>(~0x0C);
    }
    at += length;
  }
  const std::uint32_t riff = static_cast<std::uint32_t>(out.size() - 8);
  for (int i = 0; i < 4; ++i) out[4 + i] = static_cast<char>((riff >> (8 * i)) & 0xff);
  webp = std::move(out);
}

std::string encode(VImage thumb, const ThumbnailFormat& format, int quality) {
  // libvips 8.14's HEIF loader leaves the image's EXIF blob pointing into memory it frees when
  // it closes, and every saver rebuilds EXIF from that blob even with strip set (a read after
  // free, seen under ASan with city.heic and city.avif). Thumbnails carry no metadata anyway:
  // save a private copy without the blob.
  thumb = thumb.copy();
  // Savers rebuild EXIF from the parsed exif-* fields too (libvips 8.14's WebP saver does even
  // with strip set), so every metadata field goes, not only the blob.
  gchar** fields = vips_image_get_fields(thumb.get_image());
  for (gchar** field = fields; *field; ++field) {
    const std::string_view name(*field);
    if (name.starts_with("exif") || name == VIPS_META_XMP_NAME || name == VIPS_META_IPTC_NAME)
      thumb.remove(*field);
  }
  g_strfreev(fields);
  VipsBlob* blob = nullptr;
  if (format.name == "jpeg") {
    blob = as_srgb8(thumb).jpegsave_buffer(
        VImage::option()->set("Q", quality)->set("strip", true)->set("optimize_coding", true));
  } else if (format.name == "avif") {
    // Encoded while a client waits (Object Lambda): effort 1 of 9 takes about half the time of
    // the default 4 for files a few percent larger.
    blob = as_srgb8(thumb).heifsave_buffer(VImage::option()
                                               ->set("Q", quality)
                                               ->set("strip", true)
                                               ->set("effort", 1)
                                               ->set("compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1));
  } else {
    if (thumb.bands() > 4 || thumb.bands() == 2) thumb = as_srgb8(thumb);
    blob = thumb.webpsave_buffer(VImage::option()->set("Q", quality)->set("strip", true));
  }
  std::size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string bytes(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  if (format.name == "webp") drop_webp_metadata(bytes);
  return bytes;
}

}  // namespace

std::vector<std::string> make_thumbnails(const std::string& path, const ImageInfo& info, int size,
                                         const std::vector<ThumbnailFormat>& formats, int quality,
                                         Fingerprint* fingerprint) {
  ensure_vips();
  try {
    VImage thumb = VImage::thumbnail_source(open_source(path), size, thumbnail_options(info, size, VIPS_SIZE_DOWN));
    // Decoded once, into memory, when more than one thing is made from it.
    if ((fingerprint ? 1 : 0) + formats.size() > 1) thumb = thumb.copy_memory();
    if (fingerprint) *fingerprint = fingerprint_of(thumb);
    std::vector<std::string> encoded;
    for (const auto& format : formats) encoded.push_back(encode(thumb, format, quality));
    return encoded;
  } catch (const VError& e) {
    throw ImageError("CorruptImage", "cannot decode the image: " + vips_message(e, path));
  }
}

std::string make_thumbnail(const std::string& path, const ImageInfo& info, int size, const ThumbnailFormat& format,
                           int quality, Fingerprint* fingerprint) {
  return make_thumbnails(path, info, size, {format}, quality, fingerprint).front();
}

Fingerprint fingerprint_image(const std::string& path, const ImageInfo& info) {
  // 256 pixels, the default smallest thumbnail, so both ways give the same answer by default.
  Fingerprint fingerprint;
  make_thumbnails(path, info, 256, {}, 0, &fingerprint);
  return fingerprint;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

double histogram_intersection(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) sum += std::min(a[i], b[i]);
  return sum;
}

double similarity(std::uint64_t dhash_a, const std::vector<double>& hist_a, std::uint64_t dhash_b,
                  const std::vector<double>& hist_b) {
  // Structure counts for more than colour: recolouring keeps a picture, reframing does not.
  const double structure = 1.0 - hamming_distance(dhash_a, dhash_b) / 64.0;
  return rounded(0.6 * structure + 0.4 * histogram_intersection(hist_a, hist_b), 4);
}

std::string histogram_hex(const std::vector<double>& histogram) {
  std::string out;
  char buf[3];
  for (double bin : histogram) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(std::lround(std::clamp(bin, 0.0, 1.0) * 255)));
    out += buf;
  }
  return out;
}

std::vector<double> histogram_from_hex(const std::string& hex) {
  std::vector<double> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(hex.c_str() + i, "%2x", &value) != 1) return {};
    out.push_back(value / 255.0);
  }
  return out;
}

std::string dhash_hex(std::uint64_t dhash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dhash));
  return buf;
}

std::uint64_t dhash_from_hex(const std::string& hex) {
  if (hex.size() != 16) return 0;
  try {
    std::size_t used = 0;
    std::uint64_t value = std::stoull(hex, &used, 16);
    return used == 16 ? value : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace bf::pipeline
