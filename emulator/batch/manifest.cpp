#include "emulator/batch/manifest.h"

#include <nlohmann/json.hpp>

#include "sdk/sigv4.h"

namespace bf {

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool url_decode_key(std::string_view encoded, std::string& out) {
  std::string plus_as_space(encoded);
  for (char& c : plus_as_space)
    if (c == '+') c = ' ';
  out.clear();
  return sigv4::uri_decode(plus_as_space, out);
}

std::string url_encode_key(std::string_view key) { return sigv4::uri_encode(key, false); }

namespace {

// Splits text into lines (LF or CRLF), skipping blank ones; `each` returns an error or "".
template <typename F>
std::string for_each_line(std::string_view text, F&& each) {
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    start = end + 1;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (std::string err = each(line, number); !err.empty()) return err;
  }
  return "";
}

int index_of(const std::vector<std::string>& names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::variant<std::vector<JobTask>, std::string> parse_csv_manifest(std::string_view text,
                                                                   const std::vector<std::string>& fields) {
  const std::vector<std::string> names = fields.empty() ? std::vector<std::string>{"Bucket", "Key"} : fields;
  const int bucket_at = index_of(names, "Bucket"), key_at = index_of(names, "Key");
  const int version_at = index_of(names, "VersionId");
  if (bucket_at < 0 || key_at < 0) return std::string("Required fields are missing in the schema: Bucket, Key");
  std::vector<JobTask> tasks;
  std::string error = for_each_line(text, [&](std::string_view line, std::size_t number) -> std::string {
    auto cells = split_csv_line(line);
    if (cells.size() < names.size())
      return "Invalid Manifest Content: line " + std::to_string(number) + " has " +
             std::to_string(cells.size()) + " fields, the manifest's schema " + std::to_string(names.size());
    JobTask task;
    task.seq = static_cast<std::int64_t>(tasks.size());
    task.bucket = cells[bucket_at];
    if (task.bucket.empty() || !url_decode_key(cells[key_at], task.key) || task.key.empty())
      return "Invalid Manifest Content: line " + std::to_string(number) + " has no valid bucket and key";
    if (version_at >= 0) task.version_id = cells[version_at];
    tasks.push_back(std::move(task));
    return "";
  });
  if (!error.empty()) return error;
  return tasks;
}

std::variant<InventoryManifest, std::string> parse_inventory_manifest(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) return std::string("Invalid Manifest Content: the inventory manifest is not JSON");
  InventoryManifest m;
  const auto& dest = doc.value("destinationBucket", nlohmann::json());
  const auto& schema = doc.value("fileSchema", nlohmann::json());
  const auto& files = doc.value("files", nlohmann::json());
  if (!dest.is_string() || !schema.is_string() || !files.is_array())
    return std::string("Invalid Manifest Content: destinationBucket, fileSchema and files are required");
  if (const auto format = doc.value("fileFormat", std::string("CSV")); format != "CSV")
    return "Invalid Manifest Content: inventory reports in " + format + " are not supported (CSV only)";
  std::string bucket = dest.get<std::string>();
  if (bucket.starts_with("arn:aws:s3:::")) bucket = bucket.substr(13);
  m.destination_bucket = bucket;
  for (const auto& name : split_csv_line(schema.get<std::string>())) {
    const auto first = name.find_first_not_of(' '), last = name.find_last_not_of(' ');
    m.schema.push_back(first == std::string::npos ? "" : name.substr(first, last - first + 1));
  }
  for (const auto& f : files) {
    if (!f.is_object() || !f.value("key", nlohmann::json()).is_string())
      return std::string("Invalid Manifest Content: each file needs a key");
    m.data_keys.push_back(f["key"].get<std::string>());
  }
  if (index_of(m.schema, "Bucket") < 0 || index_of(m.schema, "Key") < 0)
    return std::string("Required fields are missing in the schema: Bucket, Key");
  return m;
}

std::variant<std::vector<JobTask>, std::string> parse_inventory_rows(std::string_view csv,
                                                                     const std::vector<std::string>& schema,
                                                                     std::int64_t first_seq) {
  std::vector<std::string> fields;
  for (const auto& name : schema)
    fields.push_back(name == "Bucket" || name == "Key" || name == "VersionId" ? name : "Ignore");
  auto parsed = parse_csv_manifest(csv, fields);
  if (auto* tasks = std::get_if<std::vector<JobTask>>(&parsed))
    for (auto& t : *tasks) t.seq += first_seq;
  return parsed;
}

}  // namespace bf
