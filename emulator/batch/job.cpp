#include "emulator/batch/job.h"

#include <nlohmann/json.hpp>

namespace bf {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LambdaInvokeSpec, function_arn, schema_version, user_arguments)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectMetadataSpec, cache_control, content_disposition,
                                                content_encoding, content_language, content_type, user_metadata)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CopySpec, target_bucket_arn, target_key_prefix, storage_class,
                                                metadata_directive, new_metadata, new_tagging, has_new_tagging,
                                                checksum_algorithm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RestoreSpec, expiration_days, tier)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JobOperation, name, lambda, copy, tags, restore)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ManifestLocation, object_arn, object_version_id, etag)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ManifestSpec, format, fields, location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GeneratorFilter, created_after_ms, created_before_ms, prefixes,
                                                suffixes, substrings, size_greater_than, size_less_than,
                                                storage_classes, present)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ManifestGeneratorSpec, present, expected_bucket_owner,
                                                source_bucket_arn, enable_manifest_output, output_bucket_arn,
                                                output_prefix, output_format, output_expected_owner, filter)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReportSpec, enabled, bucket_arn, format, prefix, scope,
                                                expected_bucket_owner)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JobFailure, code, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JobSpec, confirmation_required, description, priority, role_arn,
                                                client_request_token, operation, has_manifest, manifest, generator,
                                                report, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Job, id, spec, status, status_update_reason, failures, creation_ms,
                                                termination_ms, suspended_ms, suspended_cause, total_tasks,
                                                succeeded, failed, active_ms, active_since_ms, fingerprint,
                                                generated_manifest, region, account_id)

bool is_terminal(const std::string& status) {
  return status == "Complete" || status == "Failed" || status == "Cancelled";
}

std::string job_arn(const Job& job) {
  return "arn:aws:s3:" + job.region + ":" + job.account_id + ":job/" + job.id;
}

std::int64_t elapsed_active_seconds(const Job& job, std::int64_t now_ms) {
  std::int64_t ms = job.active_ms;
  if (job.active_since_ms > 0 && now_ms > job.active_since_ms) ms += now_ms - job.active_since_ms;
  return ms / 1000;
}

std::string job_document(const Job& job) {
  return nlohmann::json(job).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool job_from_document(const std::string& document, Job& out) {
  const auto parsed = nlohmann::json::parse(document, nullptr, false);
  if (!parsed.is_object()) return false;
  try {
    out = parsed.get<Job>();
  } catch (const std::exception&) {
    return false;
  }
  return !out.id.empty();
}

}  // namespace bf
