// The search index the indexer keeps in processed/index/search-index.json: one entry per
// image (what search and similar answer with, including its fingerprint) and an inverted
// index from terms (camera, lens, format, colour, orientation, date, tags) to image ids.
// Plain data: reading and writing it to S3 is the indexer's job. It is held as a sorted-map
// JSON value (not the insertion-ordered bf::Json): every update parses and rewrites the whole
// index, and lookups by id and term must not be linear scans.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdk/json.h"

namespace bf::pipeline {

using IndexJson = nlohmann::json;

class SearchIndex {
 public:
  // From the stored text ("" for none yet). Throws FunctionError("InvalidIndex") if it is not
  // an index, rather than start over and lose what it held.
  static SearchIndex parse(const std::string& text);
  std::string serialize() const { return index_.dump(); }
  const IndexJson& data() const { return index_; }

  // Adds or replaces the entry for the metadata document's image; `etag` is the document's
  // (unquoted), so a later run can tell whether the entry is current.
  void upsert(const Json& metadata, const std::string& etag = "");
  // The ETag of the metadata document the image's entry was made from ("" if none).
  std::string indexed_etag(const std::string& id) const;
  // The same question asked of the stored text without parsing it (an ETag names one
  // document's bytes), so a run with nothing to do stays cheap however large the index.
  static bool text_has_document(const std::string& text, const std::string& etag);
  bool contains(const std::string& id) const;
  const IndexJson& entry(const std::string& id) const;  // contains() first
  std::size_t size() const { return index_.at("images").size(); }

  // Ids whose terms include every term of the query, newest picture first.
  std::vector<std::string> search(std::string_view query) const;
  // The other images by similarity to `id` (1 = the same picture), best first.
  std::vector<std::pair<std::string, double>> similar(const std::string& id, std::size_t limit) const;

  // Lower-cased words of letters, digits and inner hyphens; with `parts`, a hyphenated word
  // also gives its parts (documents are indexed with them, queries look words up whole).
  static std::vector<std::string> tokenize(std::string_view text, bool parts = false);
  static std::vector<std::string> terms_for(const Json& metadata);

 private:
  IndexJson index_ = IndexJson{{"version", 1}, {"images", IndexJson::object()}, {"terms", IndexJson::object()}};
};

}  // namespace bf::pipeline
