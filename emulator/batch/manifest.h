// Reading a job's manifest: the objects it names, one task each, in order. Pure functions of
// the manifest's text, so the parsers are fuzzed on their own.
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "emulator/store/job_tasks.h"

namespace bf {

// One line of CSV (RFC 4180 quoting: "a,b" and "" inside quotes).
std::vector<std::string> split_csv_line(std::string_view line);
// A CSV field as written: quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view value);

// An S3BatchOperations_CSV_20180820 manifest: each line names a bucket and a URL-encoded key
// (and a version id when `fields` has VersionId). An error names the line that is wrong.
std::variant<std::vector<JobTask>, std::string> parse_csv_manifest(std::string_view text,
                                                                   const std::vector<std::string>& fields);

// An S3 Inventory report's manifest.json: where its data files are and which columns they have.
struct InventoryManifest {
  std::string destination_bucket;  // a bucket name
  std::vector<std::string> data_keys;
  std::vector<std::string> schema;  // "Bucket", "Key", "VersionId", ...
};
std::variant<InventoryManifest, std::string> parse_inventory_manifest(std::string_view json);
// The tasks in one inventory data file (CSV, already uncompressed), numbered from `first_seq`.
std::variant<std::vector<JobTask>, std::string> parse_inventory_rows(std::string_view csv,
                                                                     const std::vector<std::string>& schema,
                                                                     std::int64_t first_seq);

// Keys in manifests, reports and events are URL-encoded, "/" kept (a "+" read is a space, as
// inventory reports write it).
bool url_decode_key(std::string_view encoded, std::string& out);
std::string url_encode_key(std::string_view key);

}  // namespace bf
