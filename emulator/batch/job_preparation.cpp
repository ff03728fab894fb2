#include "emulator/batch/job_preparation.h"

#include <unistd.h>

#include <algorithm>

#include "emulator/batch/gzip_text.h"
#include "emulator/batch/manifest.h"
#include "emulator/s3/bucket_name.h"
#include "sdk/hash.h"
#include "sdk/json.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

constexpr std::size_t kManifestLimit = 1ull << 30;  // the largest manifest read whole

struct StoredText {
  std::string text;
  std::string etag;  // unquoted
};

// An object's bytes as the store holds them: manifests are read as S3 Batch Operations reads
// them, without a request of their own.
std::optional<StoredText> read_object(ObjectStore& objects, const std::string& bucket, const std::string& key,
                                      const std::string& version_id) {
  auto opened = version_id.empty() ? objects.open_object(bucket, key) : objects.open_version(bucket, key, version_id);
  if (!opened || opened->first.delete_marker || opened->first.size > kManifestLimit) return std::nullopt;
  StoredText out{std::string(opened->first.size, '\0'), opened->first.etag};
  std::size_t done = 0;
  while (done < out.text.size()) {
    const ssize_t n = ::pread(opened->second->fd(), out.text.data() + done, out.text.size() - done,
                              static_cast<off_t>(done));
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return out;
}

std::string unquoted(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

std::variant<Preparation, JobFailure> from_manifest(const BatchWorld& world, const Job& job) {
  const ManifestSpec& spec = job.spec.manifest;
  const auto where = parse_s3_arn(spec.location.object_arn);
  if (!where || where->key.empty())
    return JobFailure{"InvalidManifest", "The manifest location is not an S3 object ARN"};
  const auto manifest = read_object(world.objects, where->bucket, where->key, spec.location.object_version_id);
  if (!manifest)
    return JobFailure{"ManifestNotFound", "Reading the manifest failed: the manifest object " +
                                              spec.location.object_arn + " does not exist"};
  if (manifest->etag != unquoted(spec.location.etag))
    return JobFailure{"ManifestEtagMismatch", "Reading the manifest failed: its ETag " + manifest->etag +
                                                  " does not match the ETag given, " + unquoted(spec.location.etag)};
  Preparation out;
  if (spec.format == "S3BatchOperations_CSV_20180820") {
    auto parsed = parse_csv_manifest(manifest->text, spec.fields);
    if (auto* err = std::get_if<std::string>(&parsed)) return JobFailure{"InvalidManifestContent", *err};
    out.tasks = std::get<std::vector<JobTask>>(std::move(parsed));
    return out;
  }
  auto inventory = parse_inventory_manifest(manifest->text);
  if (auto* err = std::get_if<std::string>(&inventory)) return JobFailure{"InvalidManifestContent", *err};
  const InventoryManifest& m = std::get<InventoryManifest>(inventory);
  for (const auto& key : m.data_keys) {
    const auto data = read_object(world.objects, m.destination_bucket, key, "");
    if (!data) return JobFailure{"ManifestNotFound", "Reading the manifest failed: its data file " + key + " does not exist"};
    std::string csv = data->text;
    if (key.ends_with(".gz")) {
      auto inflated = gzip_decompress(data->text, kManifestLimit);
      if (!inflated) return JobFailure{"InvalidManifestContent", "Invalid Manifest Content: " + key + " is not gzip"};
      csv = std::move(*inflated);
    }
    auto rows = parse_inventory_rows(csv, m.schema, static_cast<std::int64_t>(out.tasks.size()));
    if (auto* err = std::get_if<std::string>(&rows)) return JobFailure{"InvalidManifestContent", *err};
    auto& tasks = std::get<std::vector<JobTask>>(rows);
    out.tasks.insert(out.tasks.end(), tasks.begin(), tasks.end());
  }
  return out;
}

bool any_affix(const std::vector<std::string>& affixes, const std::string& key, int where) {
  if (affixes.empty()) return true;
  return std::any_of(affixes.begin(), affixes.end(), [&](const std::string& a) {
    return where < 0 ? key.starts_with(a) : where > 0 ? key.ends_with(a) : key.find(a) != std::string::npos;
  });
}

// The generated manifest, as an S3 Inventory report (S3InventoryReport_CSV_20211130): a gzipped
// CSV data file of bucket and key, and manifest.json naming it, under <prefix>/job-<id>/.
std::variant<ManifestLocation, JobFailure> write_generated_manifest(const BatchWorld& world, const Job& job,
                                                                    const std::string& source_bucket,
                                                                    const std::vector<JobTask>& tasks) {
  const ManifestGeneratorSpec& g = job.spec.generator;
  const auto out = parse_s3_arn(g.output_bucket_arn);
  if (!out) return JobFailure{"InvalidManifestOutputLocation", "The manifest output bucket is not an S3 bucket ARN"};
  const std::string base = (g.output_prefix.empty() ? "" : g.output_prefix + "/") + "job-" + job.id + "/";
  std::string csv;
  for (const auto& t : tasks) csv += csv_field(t.bucket) + "," + csv_field(url_encode_key(t.key)) + "\n";
  const std::string data = gzip_compress(csv);
  const std::string data_key = base + "data/" + new_uuid() + ".csv.gz";
  try {
    auto s3 = world.s3();
    s3->put_object(out->bucket, data_key, data, {"application/x-gzip"});
    const Json manifest{{"sourceBucket", source_bucket},
                        {"destinationBucket", bucket_arn(out->bucket)},
                        {"version", "2021-11-30"},
                        {"creationTimestamp", std::to_string(world.clock.now_ms())},
                        {"fileFormat", "CSV"},
                        {"fileSchema", "Bucket, Key"},
                        {"files", Json::array({Json{{"key", data_key},
                                                    {"size", data.size()},
                                                    {"MD5checksum", to_hex(md5(data))}}})}};
    const std::string manifest_key = base + "manifest.json";
    const PutObjectResult put = s3->put_object(out->bucket, manifest_key, to_text(manifest), {"application/json"});
    return ManifestLocation{bucket_arn(out->bucket) + "/" + manifest_key, put.version_id, unquoted(put.etag)};
  } catch (const std::exception& e) {
    return JobFailure{"ManifestOutputFailed", std::string("Writing the generated manifest failed: ") + e.what()};
  }
}

std::variant<Preparation, JobFailure> from_generator(const BatchWorld& world, const Job& job) {
  const ManifestGeneratorSpec& g = job.spec.generator;
  const auto source = parse_s3_arn(g.source_bucket_arn);
  if (!source || !world.buckets.find_bucket(source->bucket))
    return JobFailure{"InvalidManifest", "The manifest generator's source bucket " + g.source_bucket_arn + " does not exist"};
  Preparation out;
  // Only keys with a listed prefix can match: list under each (or everything when none).
  std::vector<std::string> roots = g.filter.prefixes.empty() ? std::vector<std::string>{""} : g.filter.prefixes;
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  // Only the keys are kept (a record carries its metadata too: a 100,000-object bucket's
  // records would be tens of megabytes).
  std::vector<std::string> keys;
  for (const auto& root : roots) {
    ListStart start;
    for (;;) {
      auto page = world.objects.list_objects(source->bucket, root, start, 1000);
      if (page.size() == 1000) start = {page.back().key, false};
      for (auto& o : page)
        if (!o.delete_marker && matches_filter(g.filter, o)) keys.push_back(std::move(o.key));
      if (page.size() < 1000) break;
    }
  }
  // Overlapping prefixes list a key twice: keep one task per key, in key order.
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  out.tasks.reserve(keys.size());
  for (auto& key : keys)
    out.tasks.push_back({static_cast<std::int64_t>(out.tasks.size()), source->bucket, std::move(key), ""});
  keys = {};
  if (g.enable_manifest_output) {
    auto written = write_generated_manifest(world, job, source->bucket, out.tasks);
    if (auto* failure = std::get_if<JobFailure>(&written)) return *failure;
    out.generated_manifest = std::get<ManifestLocation>(written);
  }
  return out;
}

}  // namespace

bool matches_filter(const GeneratorFilter& f, const ObjectRecord& o) {
  if (f.created_after_ms >= 0 && o.last_modified_ms <= f.created_after_ms) return false;
  if (f.created_before_ms >= 0 && o.last_modified_ms >= f.created_before_ms) return false;
  if (f.size_greater_than >= 0 && o.size <= static_cast<std::uint64_t>(f.size_greater_than)) return false;
  if (f.size_less_than >= 0 && o.size >= static_cast<std::uint64_t>(f.size_less_than)) return false;
  if (!any_affix(f.prefixes, o.key, -1) || !any_affix(f.suffixes, o.key, 1) || !any_affix(f.substrings, o.key, 0))
    return false;
  if (!f.storage_classes.empty() &&
      std::find(f.storage_classes.begin(), f.storage_classes.end(),
                o.storage_class.empty() ? std::string("STANDARD") : o.storage_class) == f.storage_classes.end())
    return false;
  return true;
}

std::variant<Preparation, JobFailure> prepare_tasks(const BatchWorld& world, const Job& job) {
  return job.spec.generator.present ? from_generator(world, job) : from_manifest(world, job);
}

}  // namespace bf
