#include "handlers/pipeline/search_index.h"

#include "handlers/pipeline/image_ops.h"

#include <gtest/gtest.h>

namespace bf::pipeline {
namespace {

Json document(const std::string& id, const std::string& make, const std::string& taken, int width, int height,
              const std::string& dhash, Json tags = Json::array()) {
  std::vector<double> histogram(64, 0.0);
  histogram[dhash[0] == '0' ? 3 : 40] = 1.0;
  return Json{{"id", id},
              {"format", "jpeg"},
              {"width", width},
              {"height", height},
              {"exif", {{"make", make}, {"model", make + " X-1"}, {"lens", "RF24-105mm F4"}, {"takenAt", taken}}},
              {"tags", tags},
              {"fingerprint", {{"dhash", dhash}, {"histogram", histogram_hex(histogram)}, {"dominantColour", "blue"}}}};
}

TEST(SearchIndex, TokenizesWordsAndHyphenatedParts) {
  EXPECT_EQ(SearchIndex::tokenize("Canon EOS R6, RF24-105mm!", true),
            (std::vector<std::string>{"canon", "eos", "r6", "rf24-105mm", "rf24", "105mm"}));
  EXPECT_EQ(SearchIndex::tokenize("2024-06 -x-"), (std::vector<std::string>{"2024-06", "x"}));
  EXPECT_TRUE(SearchIndex::tokenize(" ,;  ").empty());
}

TEST(SearchIndex, FindsImagesHavingEveryWordNewestFirst) {
  SearchIndex index;
  index.upsert(document("a", "Canon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff", {"harbour"}));
  index.upsert(document("b", "Canon", "2024-06-01T10:00:00", 600, 900, "00000000000000fe"));
  index.upsert(document("c", "Nikon", "2024-07-01T10:00:00", 800, 800, "ffffffffffff0000"));
  EXPECT_EQ(index.search("canon"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(index.search("CANON 2024"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(index.search("portrait"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(index.search("square"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(index.search("harbour"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(index.search("2024-06"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(index.search("105mm"), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_TRUE(index.search("leica").empty());
}

TEST(SearchIndex, ReindexingAnImageDropsTermsItNoLongerHas) {
  SearchIndex index;
  index.upsert(document("a", "Canon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff"));
  index.upsert(document("a", "Nikon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff"));
  EXPECT_TRUE(index.search("canon").empty());
  EXPECT_EQ(index.search("nikon"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.data()["terms"].contains("canon"));
}

TEST(SearchIndex, RemembersWhichDocumentVersionEachEntryCameFrom) {
  SearchIndex index;
  EXPECT_EQ(index.indexed_etag("a"), "");
  index.upsert(document("a", "Canon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff"), "etag-1");
  EXPECT_EQ(index.indexed_etag("a"), "etag-1");
  index.upsert(document("a", "Canon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff"), "etag-2");
  EXPECT_EQ(index.indexed_etag("a"), "etag-2");
  EXPECT_TRUE(SearchIndex::text_has_document(index.serialize(), "etag-2"));
  EXPECT_FALSE(SearchIndex::text_has_document(index.serialize(), "etag-1"));
  EXPECT_FALSE(SearchIndex::text_has_document(index.serialize(), ""));
}

TEST(SearchIndex, SurvivesTheRoundTripThroughJson) {
  SearchIndex index;
  index.upsert(document("a", "Canon", "2023-05-01T10:00:00", 1200, 800, "00000000000000ff"));
  const SearchIndex again = SearchIndex::parse(index.serialize());
  EXPECT_EQ(again.search("canon"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(SearchIndex::parse("").size(), 0u);
  EXPECT_THROW(SearchIndex::parse("{\"not\": \"an index\"}"), FunctionError);
  EXPECT_THROW(SearchIndex::parse("{truncated"), FunctionError);
}

TEST(SearchIndex, SimilarRanksByHashAndColour) {
  SearchIndex index;
  index.upsert(document("a", "Canon", "", 100, 100, "00000000000000ff"));
  index.upsert(document("near", "Canon", "", 100, 100, "00000000000001ff"));
  index.upsert(document("far", "Canon", "", 100, 100, "ffffffffffffff00"));
  auto ranked = index.similar("a", 10);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].first, "near");
  EXPECT_GT(ranked[0].second, 0.95);
  EXPECT_EQ(ranked[1].first, "far");
  EXPECT_LT(ranked[1].second, 0.2);
  EXPECT_TRUE(index.similar("missing", 10).empty());
  EXPECT_EQ(index.similar("a", 1).size(), 1u);
}

}  // namespace
}  // namespace bf::pipeline
