// The reference pipeline's image work on the committed fixture images (fixtures/images):
// what is read from each, thumbnails, fingerprints, and the reason given for each bad input.
#include "handlers/pipeline/image_ops.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vips/vips8>

#include "handlers/pipeline/support.h"

namespace bf::pipeline {
namespace {

std::string fixture(const std::string& name) { return std::string(BF_FIXTURES_DIR) + "/images/" + name; }

ImageInfo info_of(const std::string& name) { return inspect_image(fixture(name), ImageLimits{}); }

// A fixture's thumbnail, inspected first as the thumbnail function does.
std::string thumbnail_of(const std::string& name, int size, const char* encoding, Fingerprint* fp = nullptr) {
  return make_thumbnail(fixture(name), info_of(name), size, *thumbnail_format(encoding), 80, fp);
}

// The error type inspect_image (or, for pixels, make_thumbnail) reports for a file.
std::string failure_of(const std::string& name) {
  try {
    const ImageInfo info = info_of(name);
    make_thumbnail(fixture(name), info, 64, *thumbnail_format("jpeg"), 80);
    fingerprint_image(fixture(name), info);
  } catch (const ImageError& e) {
    return e.type() + ": " + e.what();
  }
  return "accepted";
}

// The size of encoded image bytes, read back with libvips.
std::pair<int, int> dimensions_of(const std::string& bytes) {
  vips::VImage image = vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
  return {image.width(), image.height()};
}

TEST(ImageOps, ReadsExifFromACameraJpeg) {
  const ImageInfo info = inspect_image(fixture("harbour.jpg"), ImageLimits{});
  EXPECT_EQ(info.format, "jpeg");
  EXPECT_EQ(info.width, 1200);
  EXPECT_EQ(info.height, 800);
  EXPECT_EQ(info.colour_space, "srgb");
  EXPECT_EQ(info.exif["make"], "Canon");
  EXPECT_EQ(info.exif["model"], "Canon EOS R6");
  EXPECT_EQ(info.exif["lens"], "RF24-105mm F4 L IS USM");
  EXPECT_EQ(info.exif["exposureTime"], "1/250");
  EXPECT_EQ(info.exif["fNumber"], 8.0);
  EXPECT_EQ(info.exif["iso"], 100);
  EXPECT_EQ(info.exif["takenAt"], "2024-06-01T18:42:10");
  // 59°54'44"N 10°44'20"E
  EXPECT_NEAR(info.exif["gps"]["latitude"].get<double>(), 59.912222, 1e-6);
  EXPECT_NEAR(info.exif["gps"]["longitude"].get<double>(), 10.738889, 1e-6);
}

TEST(ImageOps, OrientationSwapsTheDisplayedSizeAndTheThumbnailIsUpright) {
  const ImageInfo info = inspect_image(fixture("portrait.jpg"), ImageLimits{});
  EXPECT_EQ(info.orientation, 6);
  EXPECT_EQ(info.width, 600);
  EXPECT_EQ(info.height, 900);
  EXPECT_EQ(info.exif["make"], "FUJIFILM");
  EXPECT_FALSE(info.exif.contains("gps"));
  const auto [w, h] = dimensions_of(thumbnail_of("portrait.jpg", 256, "jpeg"));
  EXPECT_EQ(w, 171);
  EXPECT_EQ(h, 256);
}

TEST(ImageOps, EveryAcceptedFormatIsReadAndThumbnailed) {
  const std::map<std::string, std::string> files = {
      {"harbour.jpg", "jpeg"}, {"forest.png", "png"}, {"sunset.webp", "webp"}, {"night.tif", "tiff"},
      {"badge.gif", "gif"},    {"city.heic", "heic"}, {"city.avif", "avif"},  {"wide-gamut.jpg", "jpeg"}};
  for (const auto& [file, format] : files) {
    SCOPED_TRACE(file);
    EXPECT_EQ(inspect_image(fixture(file), ImageLimits{}).format, format);
    for (const char* encoding : {"webp", "jpeg"}) {
      const auto [w, h] = dimensions_of(thumbnail_of(file, 256, encoding));
      EXPECT_EQ(std::max(w, h), 256);
    }
  }
}

// One decode, every format: the thumbnail function's path. HEIF images once left EXIF pointing
// at freed memory that the second save read (ASan reported it in the sanitizer job).
TEST(ImageOps, HeifImagesAreSavedInEveryFormatFromOneDecode) {
  for (const char* file : {"city.heic", "city.avif"}) {
    SCOPED_TRACE(file);
    const std::vector<ThumbnailFormat> formats = {*thumbnail_format("jpeg"), *thumbnail_format("webp")};
    const auto encoded = make_thumbnails(fixture(file), info_of(file), 256, formats, 80, nullptr);
    ASSERT_EQ(encoded.size(), 2u);
    for (const std::string& bytes : encoded) EXPECT_EQ(std::max(dimensions_of(bytes).first, dimensions_of(bytes).second), 256);
  }
}

TEST(ImageOps, WideGamutIsConvertedToSrgbWithoutItsProfile) {
  EXPECT_TRUE(inspect_image(fixture("wide-gamut.jpg"), ImageLimits{}).has_icc_profile);
  const std::string bytes = thumbnail_of("wide-gamut.jpg", 256, "jpeg");
  vips::VImage thumb = vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
  EXPECT_EQ(thumb.interpretation(), VIPS_INTERPRETATION_sRGB);
  EXPECT_EQ(thumb.get_typeof(VIPS_META_ICC_NAME), 0u) << "metadata is stripped";
}

TEST(ImageOps, SmallImagesAreNotEnlarged) {
  const auto [w, h] = dimensions_of(thumbnail_of("badge.gif", 1024, "webp"));
  EXPECT_EQ(w, 320);
  EXPECT_EQ(h, 320);
}

TEST(ImageOps, EachBadInputFailsWithItsReason) {
  EXPECT_EQ(failure_of("bad/empty.jpg"), "EmptyImage: the object is empty (0 bytes)");
  EXPECT_EQ(failure_of("bad/not-an-image.jpg").rfind("UnsupportedImage: not an image format", 0), 0u);
  EXPECT_EQ(failure_of("bad/corrupt.jpg").rfind("CorruptImage: cannot read the image", 0), 0u);
  EXPECT_EQ(failure_of("bad/truncated.jpg").rfind("CorruptImage: cannot decode the image", 0), 0u)
      << failure_of("bad/truncated.jpg");
  EXPECT_EQ(failure_of("bad/huge-100mp.png"),
            "ImageTooLarge: 10000x10000 is 100 megapixels, above the limit of 50 megapixels");
}

TEST(ImageOps, NearDuplicatesAreMoreSimilarThanDifferentPictures) {
  const Fingerprint harbour = fingerprint_image(fixture("harbour.jpg"), info_of("harbour.jpg"));
  const Fingerprint smaller = fingerprint_image(fixture("harbour-small.jpg"), info_of("harbour-small.jpg"));
  const Fingerprint forest = fingerprint_image(fixture("forest.png"), info_of("forest.png"));
  ASSERT_EQ(harbour.histogram.size(), 64u);
  EXPECT_LE(hamming_distance(harbour.dhash, smaller.dhash), 6);
  const double same = similarity(harbour.dhash, harbour.histogram, smaller.dhash, smaller.histogram);
  const double different = similarity(harbour.dhash, harbour.histogram, forest.dhash, forest.histogram);
  EXPECT_GT(same, 0.85);
  EXPECT_LT(different, same - 0.2);
  EXPECT_EQ(harbour.dominant_colour, "blue");
  EXPECT_EQ(dhash_from_hex(dhash_hex(harbour.dhash)), harbour.dhash);
  const auto stored = histogram_from_hex(histogram_hex(harbour.histogram));
  ASSERT_EQ(stored.size(), 64u);
  EXPECT_GT(histogram_intersection(stored, harbour.histogram), 0.97);
}

TEST(ImageOps, AThumbnailsFingerprintMatchesTheImages) {
  Fingerprint from_thumbnail, small_from_thumbnail;
  thumbnail_of("harbour.jpg", 256, "jpeg", &from_thumbnail);
  thumbnail_of("harbour-small.jpg", 256, "webp", &small_from_thumbnail);
  const Fingerprint direct = fingerprint_image(fixture("harbour.jpg"), info_of("harbour.jpg"));
  EXPECT_GT(similarity(from_thumbnail.dhash, from_thumbnail.histogram, direct.dhash, direct.histogram), 0.9);
  EXPECT_GT(similarity(from_thumbnail.dhash, from_thumbnail.histogram, small_from_thumbnail.dhash,
                       small_from_thumbnail.histogram),
            0.85);
  EXPECT_EQ(from_thumbnail.dominant_colour, "blue");
}

TEST(ImageKeys, TheFormatForAnAcceptHeader) {
  auto pick = [](const char* accept, bool avif = true) { return format_for_accept(accept, avif).name; };
  EXPECT_EQ(pick("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"), "avif");  // Chromium
  EXPECT_EQ(pick("image/avif,image/webp,*/*", false), "webp");  // a libvips without an AV1 encoder
  EXPECT_EQ(pick("image/webp;q=0.9, image/avif;q=0.5"), "webp");
  EXPECT_EQ(pick("IMAGE/WEBP"), "webp");
  EXPECT_EQ(pick("image/avif;q=0, image/jpeg"), "jpeg");
  EXPECT_EQ(pick("*/*"), "jpeg");
  EXPECT_EQ(pick("image/*"), "jpeg");
  EXPECT_EQ(pick(""), "jpeg");
  EXPECT_EQ(format_for_accept("image/avif", true).content_type, "image/avif");
}

TEST(ImageOps, ReencodingAtFullSizeStripsExifInEachFormat) {
  const std::string path = fixture("harbour.jpg");
  const ImageInfo info = inspect_image(path, ImageLimits{});
  std::vector<ThumbnailFormat> formats = {{"jpeg", "jpg", "image/jpeg"}, {"webp", "webp", "image/webp"}};
  if (can_write_avif()) formats.push_back({"avif", "avif", "image/avif"});
  for (const auto& format : formats) {
    const std::string encoded = make_thumbnail(path, info, std::max(info.width, info.height), format, 82);
    EXPECT_EQ(encoded.find("Exif"), std::string::npos) << format.name;
    EXPECT_EQ(encoded.find("Canon"), std::string::npos) << format.name;
    vips::VImage decoded = vips::VImage::new_from_buffer(encoded.data(), encoded.size(), "");
    EXPECT_EQ(decoded.width(), 1200) << format.name;
    EXPECT_EQ(decoded.height(), 800) << format.name;
  }
}

TEST(ImageKeys, UploadKeysIdsAndArtefacts) {
  const auto when = std::chrono::system_clock::from_time_t(1795816800);  // 2026-11-27
  const std::string id = "0b7c2a58-4d7e-4c36-9a51-2f6d3f0c9e11";
  EXPECT_EQ(upload_key(id, "jpg", when), "uploads/2026/11/" + id + ".jpg");
  EXPECT_EQ(image_id_for_key("uploads/2026/11/" + id + ".jpg"), id);
  const std::string derived = image_id_for_key("holiday/IMG_0001.JPG");
  EXPECT_TRUE(is_image_id(derived)) << derived;
  EXPECT_EQ(derived, image_id_for_key("holiday/IMG_0001.JPG"));
  EXPECT_NE(derived, image_id_for_key("holiday/IMG_0002.JPG"));
  EXPECT_EQ(thumbnail_key(256, id, *thumbnail_format("jpeg")), "thumbnails/256/" + id + ".jpg");
  EXPECT_EQ(id_from_artefact_key("thumbnails/1024/" + id + ".webp"), id);
  EXPECT_EQ(id_from_artefact_key(metadata_key(id)), id);
  EXPECT_FALSE(id_from_artefact_key("index/search-index.json"));
  EXPECT_EQ(format_for_content_type("IMAGE/JPEG; charset=binary")->extension, "jpg");
  EXPECT_FALSE(format_for_content_type("application/pdf"));
  EXPECT_EQ(parse_sizes(" 256, 1024 ", "SIZES"), (std::vector<int>{256, 1024}));
  EXPECT_THROW(parse_sizes("256,huge", "SIZES"), std::invalid_argument);
  EXPECT_THROW(parse_thumbnail_formats("gif", "FORMATS"), std::invalid_argument);
}

}  // namespace
}  // namespace bf::pipeline
