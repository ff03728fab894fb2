// A Batch Operations job as S3 Control describes it: what it does to which objects, where its
// report goes, and where it is in its life (New → Preparing → Suspended → Ready → Active →
// Completing → Complete, or Failing → Failed, or Cancelling → Cancelled). The API edge reads
// and writes it as XML; the runner keeps it as a JSON document.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bf {

using TagPairs = std::vector<std::pair<std::string, std::string>>;

struct LambdaInvokeSpec {
  std::string function_arn;
  std::string schema_version = "1.0";
  TagPairs user_arguments;  // schema 2.0 only
};

struct ObjectMetadataSpec {
  std::string cache_control, content_disposition, content_encoding, content_language, content_type;
  TagPairs user_metadata;
  bool empty() const {
    return cache_control.empty() && content_disposition.empty() && content_encoding.empty() &&
           content_language.empty() && content_type.empty() && user_metadata.empty();
  }
};

struct CopySpec {
  std::string target_bucket_arn;  // empty: each object is copied over itself
  std::string target_key_prefix;
  std::string storage_class;
  std::string metadata_directive;  // COPY (default) or REPLACE
  ObjectMetadataSpec new_metadata;
  TagPairs new_tagging;
  bool has_new_tagging = false;
  std::string checksum_algorithm;
};

struct RestoreSpec {
  int expiration_days = 0;
  std::string tier = "STANDARD";  // BULK or STANDARD, as S3 Control spells them
};

struct JobOperation {
  // LambdaInvoke, S3PutObjectCopy, S3PutObjectTagging, S3DeleteObjectTagging or
  // S3InitiateRestoreObject.
  std::string name;
  LambdaInvokeSpec lambda;
  CopySpec copy;
  TagPairs tags;  // S3PutObjectTagging
  RestoreSpec restore;
};

struct ManifestLocation {
  std::string object_arn;  // arn:aws:s3:::bucket/key
  std::string object_version_id;
  std::string etag;
};

struct ManifestSpec {
  std::string format;               // S3BatchOperations_CSV_20180820 or S3InventoryReport_CSV_20161130
  std::vector<std::string> fields;  // CSV only: Ignore, Bucket, Key, VersionId
  ManifestLocation location;
};

struct GeneratorFilter {
  std::int64_t created_after_ms = -1, created_before_ms = -1;  // -1: none
  std::vector<std::string> prefixes, suffixes, substrings;
  std::int64_t size_greater_than = -1, size_less_than = -1;  // -1: none
  std::vector<std::string> storage_classes;
  bool present = false;
};

struct ManifestGeneratorSpec {
  bool present = false;
  std::string expected_bucket_owner;
  std::string source_bucket_arn;
  bool enable_manifest_output = false;
  std::string output_bucket_arn;  // when the output is enabled
  std::string output_prefix;
  std::string output_format = "S3InventoryReport_CSV_20211130";
  std::string output_expected_owner;
  GeneratorFilter filter;
};

struct ReportSpec {
  bool enabled = false;
  std::string bucket_arn;
  std::string format;
  std::string prefix;
  std::string scope;  // AllTasks or FailedTasksOnly
  std::string expected_bucket_owner;
};

struct JobFailure {
  std::string code;
  std::string reason;
};

// What CreateJob asked for.
struct JobSpec {
  bool confirmation_required = false;
  std::string description;
  std::int64_t priority = 0;
  std::string role_arn;
  std::string client_request_token;
  JobOperation operation;
  bool has_manifest = false;
  ManifestSpec manifest;
  ManifestGeneratorSpec generator;
  ReportSpec report;
  TagPairs tags;
};

struct Job {
  std::string id;
  JobSpec spec;
  std::string status = "New";
  std::string status_update_reason;
  std::vector<JobFailure> failures;
  std::int64_t creation_ms = 0;
  std::int64_t termination_ms = 0;  // 0 until it ends
  std::int64_t suspended_ms = 0;    // 0 unless suspended
  std::string suspended_cause;
  std::int64_t total_tasks = 0, succeeded = 0, failed = 0;
  std::int64_t active_ms = 0;         // time spent Active before active_since_ms
  std::int64_t active_since_ms = 0;   // when it last became Active (0: not Active)
  std::string fingerprint;            // of the CreateJob request, for ClientRequestToken reuse
  ManifestLocation generated_manifest;  // where EnableManifestOutput wrote the manifest
  std::string region;
  std::string account_id;
};

// Terminal states: nothing more happens to the job.
bool is_terminal(const std::string& status);
std::string job_arn(const Job& job);
std::int64_t elapsed_active_seconds(const Job& job, std::int64_t now_ms);

std::string job_document(const Job& job);
bool job_from_document(const std::string& document, Job& out);

}  // namespace bf
