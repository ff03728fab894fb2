#include "emulator/s3/usage_billing.h"

#include <algorithm>

#include "emulator/s3/bucket_name.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/tiering_config.h"

namespace bf {

namespace {

constexpr double kKB = 1024;
constexpr std::int64_t kDayMs = 86'400'000;

// How a storage class bills its bytes, in the CUR's usage types and operations: the storage
// usage type, the smallest size it bills an object as (the difference under its own "size
// overhead"), the archive overhead AWS adds per object (32 KB at the class's rate, 8 KB at
// STANDARD's), its minimum storage duration, and what PUTs, GETs, reads and lifecycle
// transitions into it cost.
struct ClassBilling {
  std::string_view storage_class;
  const char* byte_hours;
  const char* storage_operation;
  const char* small_objects = nullptr;  // set: objects under 128 KB bill as 128 KB
  const char* small_operation = nullptr;
  const char* archive_overhead = nullptr;     // operation of the 32 KB at the class's rate
  const char* standard_overhead = nullptr;    // operation of the 8 KB at STANDARD's
  const char* restored_copy = nullptr;        // operation of a restored copy, at STANDARD's
  int minimum_days = 0;
  const char* early_delete = nullptr;
  const char* tier1 = "Requests-Tier1";  // PUT, COPY, POST of an object into the class
  const char* tier2 = "Requests-Tier2";  // GET, HEAD of an object in the class
  const char* retrieval = nullptr;       // per GB read
  const char* transition = nullptr;      // a lifecycle transition into the class
  const char* transition_operation = nullptr;
};

constexpr ClassBilling kClasses[] = {
    {.storage_class = "STANDARD", .byte_hours = "TimedStorage-ByteHrs", .storage_operation = "StandardStorage"},
    {.storage_class = "REDUCED_REDUNDANCY", .byte_hours = "TimedStorage-RRS-ByteHrs",
     .storage_operation = "ReducedRedundancyStorage"},
    {.storage_class = "STANDARD_IA", .byte_hours = "TimedStorage-SIA-ByteHrs",
     .storage_operation = "StandardIAStorage", .small_objects = "TimedStorage-SIA-SmObjects",
     .small_operation = "StandardIASizeOverhead", .minimum_days = 30, .early_delete = "EarlyDelete-SIA",
     .tier1 = "Requests-SIA-Tier1", .tier2 = "Requests-SIA-Tier2", .retrieval = "Retrieval-SIA",
     .transition = "Requests-Tier4", .transition_operation = "S3-SIATransition"},
    {.storage_class = "ONEZONE_IA", .byte_hours = "TimedStorage-ZIA-ByteHrs",
     .storage_operation = "OneZoneIAStorage", .small_objects = "TimedStorage-ZIA-SmObjects",
     .small_operation = "OneZoneIASizeOverhead", .minimum_days = 30, .early_delete = "EarlyDelete-ZIA",
     .tier1 = "Requests-ZIA-Tier1", .tier2 = "Requests-ZIA-Tier2", .retrieval = "Retrieval-ZIA",
     .transition = "Requests-Tier4", .transition_operation = "S3-ZIATransition"},
    {.storage_class = "GLACIER_IR", .byte_hours = "TimedStorage-GIR-ByteHrs",
     .storage_operation = "GlacierInstantRetrievalStorage", .small_objects = "TimedStorage-GIR-SmObjects",
     .small_operation = "GlacierInstantRetrievalSizeOverhead", .minimum_days = 90,
     .early_delete = "EarlyDelete-GIR", .tier1 = "Requests-GIR-Tier1", .tier2 = "Requests-GIR-Tier2",
     .retrieval = "Retrieval-GIR", .transition = "Requests-Tier4", .transition_operation = "S3-GIRTransition"},
    {.storage_class = "GLACIER", .byte_hours = "TimedStorage-GlacierByteHrs", .storage_operation = "GlacierStorage",
     .archive_overhead = "GlacierObjectOverhead", .standard_overhead = "GlacierS3ObjectOverhead",
     .restored_copy = "RestoreObject", .minimum_days = 90, .early_delete = "EarlyDelete-ByteHrs",
     .tier1 = "Requests-GLACIER-Tier1", .tier2 = "Requests-GLACIER-Tier2", .transition = "Requests-Tier3",
     .transition_operation = "S3-GlacierTransition"},
    {.storage_class = "DEEP_ARCHIVE", .byte_hours = "TimedStorage-GDA-ByteHrs",
     .storage_operation = "DeepArchiveStorage", .archive_overhead = "DeepArchiveObjectOverhead",
     .standard_overhead = "DeepArchiveS3ObjectOverhead", .restored_copy = "DeepArchiveRestoreObject",
     .minimum_days = 180, .early_delete = "EarlyDelete-GDA", .tier1 = "Requests-GDA-Tier1",
     .tier2 = "Requests-GDA-Tier2", .transition = "Requests-Tier3", .transition_operation = "S3-GDATransition"},
    {.storage_class = "INTELLIGENT_TIERING", .byte_hours = "TimedStorage-INT-FA-ByteHrs",
     .storage_operation = "IntelligentTieringFAStorage", .tier1 = "Requests-INT-Tier1",
     .tier2 = "Requests-INT-Tier2", .transition = "Requests-Tier4", .transition_operation = "S3-INTTransition"},
};

const ClassBilling& billing_of(std::string_view storage_class) {
  for (const auto& c : kClasses)
    if (c.storage_class == storage_class) return c;
  return kClasses[0];  // empty, EXPRESS_ONEZONE, anything unknown: STANDARD's
}

// An Intelligent-Tiering object's usage type and operation by its access tier.
std::pair<const char*, const char*> tiering_storage(const std::string& access_tier) {
  if (access_tier == kInfrequentAccess) return {"TimedStorage-INT-IA-ByteHrs", "IntelligentTieringIAStorage"};
  if (access_tier == kArchiveInstantAccess)
    return {"TimedStorage-INT-AIA-ByteHrs", "IntelligentTieringAIAStorage"};
  if (access_tier == kArchiveAccess) return {"TimedStorage-INT-AA-ByteHrs", "IntelligentTieringAAStorage"};
  if (access_tier == kDeepArchiveAccess) return {"TimedStorage-INT-DAA-ByteHrs", "IntelligentTieringDAAStorage"};
  return {"TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage"};
}

// The bytes a version bills at its class's own rate.
double billed_bytes(const ClassBilling& c, std::uint64_t size) {
  double bytes = static_cast<double>(size);
  if (c.small_objects) bytes = std::max(bytes, 128 * kKB);
  if (c.archive_overhead) bytes += 32 * kKB;
  return bytes;
}

bool is_free(std::string_view operation) {
  return operation.starts_with("Delete") || operation == "AbortMultipartUpload";
}

// PUT, COPY, POST and LIST requests, and the writes of a bucket's configurations.
bool is_tier1(std::string_view operation) {
  return operation.starts_with("Put") || operation.starts_with("List") || operation == "PostObject" ||
         operation == "CopyObject" || operation == "UploadPart" || operation == "UploadPartCopy" ||
         operation == "CreateMultipartUpload" || operation == "CompleteMultipartUpload" ||
         operation == "CreateBucket";
}

// Requests whose price depends on the object's class: the rest (LIST, bucket operations)
// bill at STANDARD's.
bool touches_object(std::string_view operation) {
  return operation == "GetObject" || operation == "HeadObject" || operation == "PutObject" ||
         operation == "PostObject" || operation == "CopyObject" || operation == "UploadPart" ||
         operation == "UploadPartCopy" || operation == "CreateMultipartUpload" ||
         operation == "CompleteMultipartUpload";
}

}  // namespace

void S3StorageBilling::shares_of(const ObjectRecord& version, std::vector<LevelShare>& out) const {
  if (version.delete_marker) return;
  const ClassBilling& c = billing_of(version.storage_class);
  const std::string resource = bucket_arn(version.bucket);
  const double size = static_cast<double>(version.size);
  if (c.storage_class == "INTELLIGENT_TIERING") {
    const ObjectMeta meta = ObjectMeta::from_json(version.meta);
    const auto [usage_type, operation] = tiering_storage(meta.access_tier);
    out.push_back({usage_type, operation, resource, size});
    // Monitored (and charged for it) from 128 KB; smaller objects stay in Frequent Access.
    if (version.size >= 128 * 1024)
      out.push_back({"Monitoring-Automation-INT", "IntelligentTieringStorage", resource, 1});
    return;
  }
  out.push_back({c.byte_hours, c.storage_operation, resource, size});
  if (c.small_objects && size < 128 * kKB)
    out.push_back({c.small_objects, c.small_operation, resource, 128 * kKB - size});
  if (c.archive_overhead) {
    out.push_back({c.byte_hours, c.archive_overhead, resource, 32 * kKB});
    out.push_back({"TimedStorage-ByteHrs", c.standard_overhead, resource, 8 * kKB});
    // A restored copy is stored at STANDARD's rate beside the archived object until it lapses.
    const ObjectMeta meta = ObjectMeta::from_json(version.meta);
    if (meta.restore && meta.restore->copy_ready)
      out.push_back({"TimedStorage-ByteHrs", c.restored_copy, resource, size});
  }
}

void S3StorageBilling::on_leaving(const ObjectRecord& before, const ObjectRecord* after,
                                  std::int64_t now_ms, std::vector<UsageRow>& out) const {
  if (before.delete_marker) return;
  const ClassBilling& c = billing_of(before.storage_class);
  if (!c.minimum_days) return;
  if (after && billing_of(after->storage_class).storage_class == c.storage_class) return;
  const ObjectMeta meta = ObjectMeta::from_json(before.meta);
  const std::int64_t since = meta.class_since_ms ? meta.class_since_ms : before.last_modified_ms;
  const std::int64_t owed_until = since + c.minimum_days * kDayMs;
  if (now_ms >= owed_until) return;
  // The rest of the minimum duration, charged now: byte-hours of the bytes it billed.
  const double hours = static_cast<double>(owed_until - now_ms) / 3'600'000.0;
  out.push_back({utc_day_of(now_ms), c.early_delete, c.storage_operation, bucket_arn(before.bucket),
                 billed_bytes(c, before.size) * hours});
}

void meter_request(UsageMeter& meter, std::string_view operation, std::string_view bucket,
                   std::string_view storage_class, std::uint64_t bytes_out) {
  if (is_free(operation) || operation == "RestoreObject") return;  // restores: meter_restore
  // Every request names its bucket's ARN: built in a buffer of the thread's, not allocated.
  thread_local std::string resource;
  resource.clear();
  if (!bucket.empty()) resource.append(kBucketArnPrefix).append(bucket);
  const ClassBilling& c = billing_of(touches_object(operation) ? storage_class : "STANDARD");
  meter.record(is_tier1(operation) ? c.tier1 : c.tier2, operation, resource, 1);
  if (c.retrieval && bytes_out && operation == "GetObject")
    meter.record(c.retrieval, operation, resource, static_cast<double>(bytes_out) / (kKB * kKB * kKB));
}

void meter_restore(UsageMeter& meter, std::string_view bucket, std::string_view storage_class,
                   std::string_view tier, std::uint64_t size) {
  // Intelligent-Tiering brings objects back from its archive tiers without a retrieval charge.
  if (storage_class == "INTELLIGENT_TIERING") return;
  const std::string resource = bucket_arn(bucket);
  const double gb = static_cast<double>(size) / (kKB * kKB * kKB);
  const bool deep = storage_class == "DEEP_ARCHIVE";
  const char* operation = deep ? "DeepArchiveRestoreObject" : "RestoreObject";
  if (tier == "Expedited") {
    meter.record("Requests-Tier6", operation, resource, 1);
    meter.record("Expedited-Retrieval-Bytes", operation, resource, gb);
  } else if (tier == "Bulk") {
    meter.record(deep ? "Requests-GDA-Tier5" : "Requests-Tier5", operation, resource, 1);
    meter.record("Bulk-Retrieval-Bytes", operation, resource, gb);
  } else {
    meter.record(deep ? "Requests-GDA-Tier3" : "Requests-Tier3", operation, resource, 1);
    meter.record("Standard-Retrieval-Bytes", operation, resource, gb);
  }
}

void meter_transition(UsageMeter& meter, std::string_view bucket, std::string_view to_class) {
  const ClassBilling& c = billing_of(to_class);
  if (c.transition) meter.record(c.transition, c.transition_operation, bucket_arn(bucket), 1);
}

}  // namespace bf
