#include "handlers/pipeline/search_index.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "handlers/pipeline/image_ops.h"
#include "sdk/context.h"

namespace bf::pipeline {

namespace {

template <class AnyJson>
std::string text_at(const AnyJson& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->template get<std::string>() : "";
}

void add_words(std::set<std::string>& terms, std::string_view text) {
  for (auto& t : SearchIndex::tokenize(text, true)) terms.insert(std::move(t));
}

std::string orientation_class(int width, int height) {
  if (width == height) return "square";
  return width > height ? "landscape" : "portrait";
}

}  // namespace

std::vector<std::string> SearchIndex::tokenize(std::string_view text, bool parts) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    while (!word.empty() && word.back() == '-') word.pop_back();
    while (!word.empty() && word.front() == '-') word.erase(word.begin());
    if (word.empty()) return;
    out.push_back(word);
    if (parts && word.find('-') != std::string::npos) {
      std::string part;
      for (char c : word + "-") {
        if (c == '-') {
          if (!part.empty() && part != word) out.push_back(part);
          part.clear();
        } else {
          part += c;
        }
      }
    }
    word.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || u >= 0x80) word += static_cast<char>(std::tolower(u));
    else flush();
  }
  flush();
  return out;
}

std::vector<std::string> SearchIndex::terms_for(const Json& metadata) {
  std::set<std::string> terms;
  const Json exif = metadata.value("exif", Json::object());
  add_words(terms, text_at(exif, "make"));
  add_words(terms, text_at(exif, "model"));
  add_words(terms, text_at(exif, "lens"));
  add_words(terms, text_at(metadata, "format"));
  add_words(terms, text_at(metadata.value("fingerprint", Json::object()), "dominantColour"));
  terms.insert(orientation_class(metadata.value("width", 0), metadata.value("height", 0)));
  if (const std::string taken = text_at(exif, "takenAt"); taken.size() >= 7) {
    terms.insert(taken.substr(0, 4));  // "2024"
    terms.insert(taken.substr(0, 7));  // "2024-06"
  }
  if (exif.contains("gps")) terms.insert("gps");
  if (metadata.value("pages", 1) > 1) terms.insert("animated");
  for (const auto& tag : metadata.value("tags", Json::array()))
    if (tag.is_string()) add_words(terms, tag.get<std::string>());
  return {terms.begin(), terms.end()};
}

SearchIndex SearchIndex::parse(const std::string& text) {
  SearchIndex index;
  if (text.empty()) return index;
  IndexJson stored = IndexJson::parse(text, nullptr, false);
  if (!stored.is_object() || !stored.contains("images") || !stored.contains("terms"))
    throw FunctionError("InvalidIndex", "the stored search index is not one; it was left as it is");
  index.index_ = std::move(stored);
  return index;
}

bool SearchIndex::contains(const std::string& id) const { return index_.at("images").contains(id); }

const IndexJson& SearchIndex::entry(const std::string& id) const { return index_.at("images").at(id); }

bool SearchIndex::text_has_document(const std::string& text, const std::string& etag) {
  return !etag.empty() && text.find("\"metadataEtag\":\"" + etag + "\"") != std::string::npos;
}

std::string SearchIndex::indexed_etag(const std::string& id) const {
  return contains(id) ? entry(id).value("metadataEtag", "") : "";
}

void SearchIndex::upsert(const Json& metadata, const std::string& etag) {
  const std::string id = metadata.at("id").get<std::string>();
  IndexJson& images = index_["images"];
  IndexJson& postings = index_["terms"];
  // Drop the old entry's postings first, so a re-indexed image loses terms it no longer has.
  if (images.contains(id)) {
    for (const auto& term : images[id].value("terms", IndexJson::array())) {
      const std::string t = term.get<std::string>();
      if (!postings.contains(t)) continue;
      IndexJson& ids = postings[t];
      ids.erase(std::remove(ids.begin(), ids.end(), IndexJson(id)), ids.end());
      if (ids.empty()) postings.erase(t);
    }
  }
  const Json exif = metadata.value("exif", Json::object());
  const Json fp = metadata.value("fingerprint", Json::object());
  const std::vector<std::string> terms = terms_for(metadata);
  IndexJson entry = {
      {"id", id},
      {"format", metadata.value("format", "")},
      {"width", metadata.value("width", 0)},
      {"height", metadata.value("height", 0)},
      {"camera", (text_at(exif, "make") + " " + text_at(exif, "model"))},
      {"takenAt", text_at(exif, "takenAt")},
      {"tags", IndexJson::parse(metadata.value("tags", Json::array()).dump())},
      {"dominantColour", text_at(fp, "dominantColour")},
      {"dhash", text_at(fp, "dhash")},
      {"histogram", text_at(fp, "histogram")},
      {"terms", terms},
      {"metadataEtag", etag},
  };
  if (entry["camera"] == " ") entry["camera"] = "";
  images[id] = std::move(entry);
  for (const auto& t : terms) {
    IndexJson& ids = postings[t];
    if (std::find(ids.begin(), ids.end(), IndexJson(id)) == ids.end()) ids.push_back(id);
  }
}

std::vector<std::string> SearchIndex::search(std::string_view query) const {
  std::vector<std::string> words = tokenize(query);
  if (words.empty()) return {};
  const IndexJson& postings = index_.at("terms");
  std::vector<std::string> hits;
  bool first = true;
  for (const auto& w : words) {
    std::vector<std::string> ids;
    if (auto it = postings.find(w); it != postings.end())
      for (const auto& id : *it) ids.push_back(id.get<std::string>());
    std::sort(ids.begin(), ids.end());
    if (first) {
      hits = ids;
      first = false;
    } else {
      std::vector<std::string> both;
      std::set_intersection(hits.begin(), hits.end(), ids.begin(), ids.end(), std::back_inserter(both));
      hits = std::move(both);
    }
  }
  const IndexJson& images = index_.at("images");
  std::stable_sort(hits.begin(), hits.end(), [&](const std::string& a, const std::string& b) {
    return text_at(images.at(a), "takenAt") > text_at(images.at(b), "takenAt");
  });
  return hits;
}

std::vector<std::pair<std::string, double>> SearchIndex::similar(const std::string& id, std::size_t limit) const {
  std::vector<std::pair<std::string, double>> ranked;
  if (!contains(id)) return ranked;
  const IndexJson& target = entry(id);
  const std::uint64_t target_hash = dhash_from_hex(text_at(target, "dhash"));
  const auto target_hist = histogram_from_hex(text_at(target, "histogram"));
  for (const auto& [other, e] : index_.at("images").items()) {
    if (other == id) continue;
    ranked.emplace_back(other, pipeline::similarity(target_hash, target_hist, dhash_from_hex(text_at(e, "dhash")),
                                                    histogram_from_hex(text_at(e, "histogram"))));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > limit) ranked.resize(limit);
  return ranked;
}

}  // namespace bf::pipeline
