#include "emulator/s3control/job_xml.h"

#include <pugixml.hpp>

#include <algorithm>

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"
#include "emulator/s3control/control_response.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

const char* const kOperations[] = {"LambdaInvoke", "S3PutObjectCopy", "S3PutObjectTagging", "S3DeleteObjectTagging",
                                   "S3InitiateRestoreObject"};
const char* const kUnsupportedOperations[] = {"S3PutObjectAcl", "S3PutObjectLegalHold", "S3PutObjectRetention",
                                              "S3ReplicateObject", "S3ComputeObjectChecksum",
                                              "S3UpdateObjectEncryption"};
const char* const kStorageClasses[] = {"STANDARD", "STANDARD_IA", "ONEZONE_IA", "GLACIER", "INTELLIGENT_TIERING",
                                       "DEEP_ARCHIVE", "GLACIER_IR"};

JobRefusal invalid(std::string message) { return {400, "InvalidRequest", std::move(message)}; }

template <std::size_t N>
bool one_of(const std::string& value, const char* const (&set)[N]) {
  return std::find_if(std::begin(set), std::end(set), [&](const char* s) { return value == s; }) != std::end(set);
}

std::string text(const pugi::xml_node& parent, const char* name) { return parent.child(name).child_value(); }

bool flag(const pugi::xml_node& parent, const char* name) { return text(parent, name) == "true"; }

std::vector<std::string> members(const pugi::xml_node& list) {
  std::vector<std::string> out;
  for (auto m : list.children("member")) out.emplace_back(m.child_value());
  return out;
}

TagPairs entries(const pugi::xml_node& map) {
  TagPairs out;
  for (auto e : map.children("entry")) out.emplace_back(text(e, "key"), text(e, "value"));
  return out;
}

std::optional<JobRefusal> read_tags(const pugi::xml_node& list, TagPairs& out) {
  for (auto m : list.children("member")) {
    if (!m.child("Key") || !m.child("Value")) return invalid("Each tag needs a Key and a Value");
    const std::string key = text(m, "Key");
    if (key.empty() || key.size() > 128) return invalid("A tag key must be 1 to 128 characters");
    if (text(m, "Value").size() > 256) return invalid("A tag value must be at most 256 characters");
    out.emplace_back(key, text(m, "Value"));
  }
  if (out.size() > 50) return JobRefusal{400, "TooManyTagsException", "A job can have at most 50 tags"};
  return std::nullopt;
}

std::optional<JobRefusal> read_time(const pugi::xml_node& parent, const char* name, std::int64_t& out) {
  if (!parent.child(name)) return std::nullopt;
  const auto ms = parse_iso8601_prefix(text(parent, name));
  if (!ms) return invalid(std::string(name) + " is not a valid timestamp");
  out = *ms;
  return std::nullopt;
}

std::optional<JobRefusal> read_size(const pugi::xml_node& parent, const char* name, std::int64_t& out) {
  if (!parent.child(name)) return std::nullopt;
  const auto v = parse_decimal(text(parent, name), INT64_MAX);
  if (!v) return invalid(std::string(name) + " must be a non-negative number");
  out = static_cast<std::int64_t>(*v);
  return std::nullopt;
}

std::optional<JobRefusal> read_operation(const pugi::xml_node& node, JobOperation& op) {
  std::vector<pugi::xml_node> given;
  for (auto child : node.children())
    if (child.type() == pugi::node_element) given.push_back(child);
  if (given.size() != 1) return invalid("Exactly one operation must be specified");
  op.name = given[0].name();
  if (one_of(op.name, kUnsupportedOperations))
    return JobRefusal{501, "NotImplemented", "bucketfire does not run " + op.name + " jobs"};
  if (!one_of(op.name, kOperations)) return invalid("Unknown operation " + op.name);
  const pugi::xml_node o = given[0];
  if (op.name == "LambdaInvoke") {
    op.lambda.function_arn = text(o, "FunctionArn");
    if (op.lambda.function_arn.empty()) return invalid("LambdaInvoke requires a FunctionArn");
    if (o.child("InvocationSchemaVersion")) op.lambda.schema_version = text(o, "InvocationSchemaVersion");
    if (op.lambda.schema_version != "1.0" && op.lambda.schema_version != "2.0")
      return invalid("InvocationSchemaVersion must be 1.0 or 2.0");
    op.lambda.user_arguments = entries(o.child("UserArguments"));
    if (!op.lambda.user_arguments.empty() && op.lambda.schema_version != "2.0")
      return invalid("UserArguments requires InvocationSchemaVersion 2.0");
    if (op.lambda.user_arguments.size() > 10) return invalid("UserArguments may have at most 10 entries");
  } else if (op.name == "S3PutObjectCopy") {
    CopySpec& c = op.copy;
    c.target_bucket_arn = text(o, "TargetResource");
    if (!c.target_bucket_arn.empty() && !c.target_bucket_arn.starts_with("arn:aws:s3:::"))
      return invalid("TargetResource must be a bucket ARN");
    c.target_key_prefix = text(o, "TargetKeyPrefix");
    c.storage_class = text(o, "StorageClass");
    if (!c.storage_class.empty() && !one_of(c.storage_class, kStorageClasses))
      return invalid("Invalid StorageClass " + c.storage_class);
    c.metadata_directive = text(o, "MetadataDirective");
    if (!c.metadata_directive.empty() && c.metadata_directive != "COPY" && c.metadata_directive != "REPLACE")
      return invalid("MetadataDirective must be COPY or REPLACE");
    const auto m = o.child("NewObjectMetadata");
    c.new_metadata = {text(m, "CacheControl"), text(m, "ContentDisposition"), text(m, "ContentEncoding"),
                      text(m, "ContentLanguage"), text(m, "ContentType"), entries(m.child("UserMetadata"))};
    if (!c.new_metadata.empty() && c.metadata_directive != "REPLACE")
      return invalid("NewObjectMetadata requires MetadataDirective REPLACE");
    if (o.child("NewObjectTagging")) {
      c.has_new_tagging = true;
      if (auto err = read_tags(o.child("NewObjectTagging"), c.new_tagging)) return err;
    }
    c.checksum_algorithm = text(o, "ChecksumAlgorithm");
  } else if (op.name == "S3PutObjectTagging") {
    if (auto err = read_tags(o.child("TagSet"), op.tags)) return err;
  } else if (op.name == "S3InitiateRestoreObject") {
    if (o.child("ExpirationInDays")) {
      const auto days = parse_decimal(text(o, "ExpirationInDays"), 2147483647);
      if (!days) return invalid("ExpirationInDays must be a non-negative number");
      op.restore.expiration_days = static_cast<int>(*days);
    }
    if (o.child("GlacierJobTier")) op.restore.tier = text(o, "GlacierJobTier");
    if (op.restore.tier != "BULK" && op.restore.tier != "STANDARD") return invalid("GlacierJobTier must be BULK or STANDARD");
  }
  return std::nullopt;
}

std::optional<JobRefusal> read_manifest(const pugi::xml_node& node, ManifestSpec& m) {
  const auto spec = node.child("Spec"), location = node.child("Location");
  if (!spec || !location) return invalid("Manifest requires a Spec and a Location");
  m.format = text(spec, "Format");
  if (m.format != "S3BatchOperations_CSV_20180820" && m.format != "S3InventoryReport_CSV_20161130")
    return invalid("Invalid manifest format " + m.format);
  m.fields = members(spec.child("Fields"));
  for (const auto& f : m.fields)
    if (f != "Ignore" && f != "Bucket" && f != "Key" && f != "VersionId") return invalid("Invalid manifest field " + f);
  if (m.format == "S3BatchOperations_CSV_20180820") {
    if (m.fields.empty()) return invalid("A CSV manifest requires Fields");
    if (std::count(m.fields.begin(), m.fields.end(), "Bucket") != 1 || std::count(m.fields.begin(), m.fields.end(), "Key") != 1)
      return invalid("Manifest fields must include Bucket and Key once each");
  }
  m.location = {text(location, "ObjectArn"), text(location, "ObjectVersionId"), text(location, "ETag")};
  if (!m.location.object_arn.starts_with("arn:aws:s3:::") || m.location.object_arn.find('/') == std::string::npos)
    return invalid("Manifest ObjectArn must be an S3 object ARN");
  if (m.location.etag.empty()) return invalid("Manifest Location requires an ETag");
  return std::nullopt;
}

std::optional<JobRefusal> read_generator(const pugi::xml_node& node, ManifestGeneratorSpec& g) {
  const auto s = node.child("S3JobManifestGenerator");
  if (!s) return invalid("ManifestGenerator requires S3JobManifestGenerator");
  g.present = true;
  g.expected_bucket_owner = text(s, "ExpectedBucketOwner");
  g.source_bucket_arn = text(s, "SourceBucket");
  if (!g.source_bucket_arn.starts_with("arn:aws:s3:::")) return invalid("SourceBucket must be a bucket ARN");
  if (!s.child("EnableManifestOutput")) return invalid("S3JobManifestGenerator requires EnableManifestOutput");
  g.enable_manifest_output = flag(s, "EnableManifestOutput");
  if (const auto out = s.child("ManifestOutputLocation")) {
    g.output_bucket_arn = text(out, "Bucket");
    g.output_prefix = text(out, "ManifestPrefix");
    g.output_expected_owner = text(out, "ExpectedManifestBucketOwner");
    if (out.child("ManifestFormat")) g.output_format = text(out, "ManifestFormat");
    if (g.output_format != "S3InventoryReport_CSV_20211130") return invalid("Invalid ManifestFormat " + g.output_format);
  }
  if (g.enable_manifest_output && !g.output_bucket_arn.starts_with("arn:aws:s3:::"))
    return invalid("EnableManifestOutput requires a ManifestOutputLocation bucket");
  if (const auto f = s.child("Filter")) {
    GeneratorFilter& filter = g.filter;
    filter.present = true;
    if (auto err = read_time(f, "CreatedAfter", filter.created_after_ms)) return err;
    if (auto err = read_time(f, "CreatedBefore", filter.created_before_ms)) return err;
    if (auto err = read_size(f, "ObjectSizeGreaterThanBytes", filter.size_greater_than)) return err;
    if (auto err = read_size(f, "ObjectSizeLessThanBytes", filter.size_less_than)) return err;
    const auto names = f.child("KeyNameConstraint");
    filter.prefixes = members(names.child("MatchAnyPrefix"));
    filter.suffixes = members(names.child("MatchAnySuffix"));
    filter.substrings = members(names.child("MatchAnySubstring"));
    filter.storage_classes = members(f.child("MatchAnyStorageClass"));
    for (const auto& c : filter.storage_classes)
      if (!one_of(c, kStorageClasses)) return invalid("Invalid storage class " + c);
  }
  return std::nullopt;
}

std::optional<JobRefusal> read_report(const pugi::xml_node& node, ReportSpec& r) {
  if (!node.child("Enabled")) return invalid("Report requires Enabled");
  r.enabled = flag(node, "Enabled");
  r.bucket_arn = text(node, "Bucket");
  r.format = text(node, "Format");
  r.prefix = text(node, "Prefix");
  r.scope = text(node, "ReportScope");
  r.expected_bucket_owner = text(node, "ExpectedBucketOwner");
  if (!r.enabled) return std::nullopt;
  if (!r.bucket_arn.starts_with("arn:aws:s3:::")) return invalid("An enabled report requires a Bucket ARN");
  if (r.format != "Report_CSV_20180820") return invalid("An enabled report requires Format Report_CSV_20180820");
  if (r.scope != "AllTasks" && r.scope != "FailedTasksOnly")
    return invalid("An enabled report requires ReportScope AllTasks or FailedTasksOnly");
  return std::nullopt;
}

// ---- writing ----

void tag_list(std::string& out, std::string_view name, const TagPairs& tags) {
  out += "<" + std::string(name) + ">";
  for (const auto& [k, v] : tags) {
    out += "<member>";
    xml::element(out, "Key", k);
    xml::element(out, "Value", v);
    out += "</member>";
  }
  out += "</" + std::string(name) + ">";
}

void entry_map(std::string& out, std::string_view name, const TagPairs& entries) {
  out += "<" + std::string(name) + ">";
  for (const auto& [k, v] : entries) {
    out += "<entry>";
    xml::element(out, "key", k);
    xml::element(out, "value", v);
    out += "</entry>";
  }
  out += "</" + std::string(name) + ">";
}

void member_list(std::string& out, std::string_view name, const std::vector<std::string>& values) {
  out += "<" + std::string(name) + ">";
  for (const auto& v : values) xml::element(out, "member", v);
  out += "</" + std::string(name) + ">";
}

void optional_element(std::string& out, std::string_view name, const std::string& value) {
  if (!value.empty()) xml::element(out, name, value);
}

void operation_xml(std::string& out, const JobOperation& op) {
  out += "<Operation><" + op.name + ">";
  if (op.name == "LambdaInvoke") {
    xml::element(out, "FunctionArn", op.lambda.function_arn);
    xml::element(out, "InvocationSchemaVersion", op.lambda.schema_version);
    if (!op.lambda.user_arguments.empty()) entry_map(out, "UserArguments", op.lambda.user_arguments);
  } else if (op.name == "S3PutObjectCopy") {
    const CopySpec& c = op.copy;
    optional_element(out, "TargetResource", c.target_bucket_arn);
    optional_element(out, "MetadataDirective", c.metadata_directive);
    if (!c.new_metadata.empty()) {
      const ObjectMetadataSpec& m = c.new_metadata;
      out += "<NewObjectMetadata>";
      optional_element(out, "CacheControl", m.cache_control);
      optional_element(out, "ContentDisposition", m.content_disposition);
      optional_element(out, "ContentEncoding", m.content_encoding);
      optional_element(out, "ContentLanguage", m.content_language);
      if (!m.user_metadata.empty()) entry_map(out, "UserMetadata", m.user_metadata);
      optional_element(out, "ContentType", m.content_type);
      out += "</NewObjectMetadata>";
    }
    if (c.has_new_tagging) tag_list(out, "NewObjectTagging", c.new_tagging);
    optional_element(out, "StorageClass", c.storage_class);
    optional_element(out, "TargetKeyPrefix", c.target_key_prefix);
    optional_element(out, "ChecksumAlgorithm", c.checksum_algorithm);
  } else if (op.name == "S3PutObjectTagging") {
    tag_list(out, "TagSet", op.tags);
  } else if (op.name == "S3InitiateRestoreObject") {
    xml::element(out, "ExpirationInDays", static_cast<std::uint64_t>(op.restore.expiration_days));
    xml::element(out, "GlacierJobTier", op.restore.tier);
  }
  out += "</" + op.name + "></Operation>";
}

void location_xml(std::string& out, const ManifestLocation& l) {
  out += "<Location>";
  xml::element(out, "ObjectArn", l.object_arn);
  optional_element(out, "ObjectVersionId", l.object_version_id);
  xml::element(out, "ETag", l.etag);
  out += "</Location>";
}

void manifest_xml(std::string& out, const ManifestSpec& m) {
  out += "<Manifest><Spec>";
  xml::element(out, "Format", m.format);
  if (!m.fields.empty()) member_list(out, "Fields", m.fields);
  out += "</Spec>";
  location_xml(out, m.location);
  out += "</Manifest>";
}

void generator_xml(std::string& out, const ManifestGeneratorSpec& g) {
  out += "<ManifestGenerator><S3JobManifestGenerator>";
  optional_element(out, "ExpectedBucketOwner", g.expected_bucket_owner);
  xml::element(out, "SourceBucket", g.source_bucket_arn);
  if (!g.output_bucket_arn.empty()) {
    out += "<ManifestOutputLocation>";
    optional_element(out, "ExpectedManifestBucketOwner", g.output_expected_owner);
    xml::element(out, "Bucket", g.output_bucket_arn);
    optional_element(out, "ManifestPrefix", g.output_prefix);
    xml::element(out, "ManifestFormat", g.output_format);
    out += "</ManifestOutputLocation>";
  }
  const GeneratorFilter& f = g.filter;
  if (f.present) {
    out += "<Filter>";
    if (f.created_after_ms >= 0) xml::element(out, "CreatedAfter", iso8601_ms(f.created_after_ms));
    if (f.created_before_ms >= 0) xml::element(out, "CreatedBefore", iso8601_ms(f.created_before_ms));
    if (!f.prefixes.empty() || !f.suffixes.empty() || !f.substrings.empty()) {
      out += "<KeyNameConstraint>";
      if (!f.prefixes.empty()) member_list(out, "MatchAnyPrefix", f.prefixes);
      if (!f.suffixes.empty()) member_list(out, "MatchAnySuffix", f.suffixes);
      if (!f.substrings.empty()) member_list(out, "MatchAnySubstring", f.substrings);
      out += "</KeyNameConstraint>";
    }
    if (f.size_greater_than >= 0)
      xml::element(out, "ObjectSizeGreaterThanBytes", static_cast<std::uint64_t>(f.size_greater_than));
    if (f.size_less_than >= 0) xml::element(out, "ObjectSizeLessThanBytes", static_cast<std::uint64_t>(f.size_less_than));
    if (!f.storage_classes.empty()) member_list(out, "MatchAnyStorageClass", f.storage_classes);
    out += "</Filter>";
  }
  xml::element(out, "EnableManifestOutput", g.enable_manifest_output);
  out += "</S3JobManifestGenerator></ManifestGenerator>";
}

void report_xml(std::string& out, const ReportSpec& r) {
  out += "<Report>";
  optional_element(out, "Bucket", r.bucket_arn);
  optional_element(out, "Format", r.format);
  xml::element(out, "Enabled", r.enabled);
  optional_element(out, "Prefix", r.prefix);
  optional_element(out, "ReportScope", r.scope);
  optional_element(out, "ExpectedBucketOwner", r.expected_bucket_owner);
  out += "</Report>";
}

void progress_xml(std::string& out, const Job& job, std::int64_t now_ms) {
  out += "<ProgressSummary>";
  xml::element(out, "TotalNumberOfTasks", static_cast<std::uint64_t>(job.total_tasks));
  xml::element(out, "NumberOfTasksSucceeded", static_cast<std::uint64_t>(job.succeeded));
  xml::element(out, "NumberOfTasksFailed", static_cast<std::uint64_t>(job.failed));
  out += "<Timers>";
  xml::element(out, "ElapsedTimeInActiveSeconds", static_cast<std::uint64_t>(elapsed_active_seconds(job, now_ms)));
  out += "</Timers></ProgressSummary>";
}

}  // namespace

std::variant<JobSpec, JobRefusal> parse_create_job(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size()))
    return JobRefusal{400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"};
  const auto root = doc.child("CreateJobRequest");
  if (!root) return JobRefusal{400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"};
  JobSpec spec;
  spec.confirmation_required = flag(root, "ConfirmationRequired");
  spec.description = text(root, "Description");
  if (spec.description.size() > 256) return invalid("Description must be at most 256 characters");
  spec.client_request_token = text(root, "ClientRequestToken");
  if (spec.client_request_token.empty() || spec.client_request_token.size() > 64)
    return invalid("ClientRequestToken is required (1 to 64 characters)");
  const auto priority = parse_decimal(text(root, "Priority"), 2147483647);
  if (!priority) return invalid("Priority must be between 0 and 2147483647");
  spec.priority = static_cast<std::int64_t>(*priority);
  spec.role_arn = text(root, "RoleArn");
  if (!spec.role_arn.starts_with("arn:aws:iam::") || spec.role_arn.find(":role/") == std::string::npos)
    return invalid("RoleArn must be an IAM role ARN");
  if (!root.child("Operation")) return invalid("Operation is required");
  if (auto err = read_operation(root.child("Operation"), spec.operation)) return *err;
  if (!root.child("Report")) return invalid("Report is required");
  if (auto err = read_report(root.child("Report"), spec.report)) return *err;
  const bool has_generator = root.child("ManifestGenerator");
  spec.has_manifest = root.child("Manifest");
  if (spec.has_manifest == has_generator) return invalid("Exactly one of Manifest and ManifestGenerator must be specified");
  if (spec.has_manifest)
    if (auto err = read_manifest(root.child("Manifest"), spec.manifest)) return *err;
  if (has_generator)
    if (auto err = read_generator(root.child("ManifestGenerator"), spec.generator)) return *err;
  if (auto err = read_tags(root.child("Tags"), spec.tags)) return *err;
  return spec;
}

std::variant<TagPairs, JobRefusal> parse_job_tagging(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size()) || !doc.child("PutJobTaggingRequest"))
    return JobRefusal{400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"};
  TagPairs tags;
  if (auto err = read_tags(doc.child("PutJobTaggingRequest").child("Tags"), tags)) return *err;
  return tags;
}

std::string spec_fingerprint(const JobSpec& spec) {
  std::string out;
  xml::element(out, "ConfirmationRequired", spec.confirmation_required);
  xml::element(out, "Description", spec.description);
  xml::element(out, "Priority", static_cast<std::uint64_t>(spec.priority));
  xml::element(out, "RoleArn", spec.role_arn);
  operation_xml(out, spec.operation);
  if (spec.has_manifest) manifest_xml(out, spec.manifest);
  if (spec.generator.present) generator_xml(out, spec.generator);
  report_xml(out, spec.report);
  tag_list(out, "Tags", spec.tags);
  return to_hex(sha256(out));
}

std::string describe_job_xml(const Job& job, std::int64_t now_ms) {
  std::string out(xml::kDeclaration);
  out += "<DescribeJobResult xmlns=\"" + std::string(kS3ControlNamespace) + "\"><Job>";
  xml::element(out, "JobId", job.id);
  xml::element(out, "ConfirmationRequired", job.spec.confirmation_required);
  optional_element(out, "Description", job.spec.description);
  xml::element(out, "JobArn", job_arn(job));
  xml::element(out, "Status", job.status);
  if (job.spec.has_manifest) manifest_xml(out, job.spec.manifest);
  operation_xml(out, job.spec.operation);
  xml::element(out, "Priority", static_cast<std::uint64_t>(job.spec.priority));
  progress_xml(out, job, now_ms);
  optional_element(out, "StatusUpdateReason", job.status_update_reason);
  if (!job.failures.empty()) {
    out += "<FailureReasons>";
    for (const auto& f : job.failures) {
      out += "<member>";
      xml::element(out, "FailureCode", f.code);
      xml::element(out, "FailureReason", f.reason.substr(0, 256));
      out += "</member>";
    }
    out += "</FailureReasons>";
  }
  report_xml(out, job.spec.report);
  xml::element(out, "CreationTime", iso8601_ms(job.creation_ms));
  if (job.termination_ms > 0) xml::element(out, "TerminationDate", iso8601_ms(job.termination_ms));
  xml::element(out, "RoleArn", job.spec.role_arn);
  if (job.status == "Suspended") {
    xml::element(out, "SuspendedDate", iso8601_ms(job.suspended_ms));
    optional_element(out, "SuspendedCause", job.suspended_cause);
  }
  if (job.spec.generator.present) generator_xml(out, job.spec.generator);
  if (!job.generated_manifest.object_arn.empty()) {
    out += "<GeneratedManifestDescriptor>";
    xml::element(out, "Format", job.spec.generator.output_format);
    location_xml(out, job.generated_manifest);
    out += "</GeneratedManifestDescriptor>";
  }
  out += "</Job></DescribeJobResult>";
  return out;
}

std::string job_list_entry_xml(const Job& job, std::int64_t now_ms) {
  std::string out = "<member>";
  xml::element(out, "JobId", job.id);
  optional_element(out, "Description", job.spec.description);
  xml::element(out, "Operation", job.spec.operation.name);
  xml::element(out, "Priority", static_cast<std::uint64_t>(job.spec.priority));
  xml::element(out, "Status", job.status);
  xml::element(out, "CreationTime", iso8601_ms(job.creation_ms));
  if (job.termination_ms > 0) xml::element(out, "TerminationDate", iso8601_ms(job.termination_ms));
  progress_xml(out, job, now_ms);
  return out + "</member>";
}

std::string tags_xml(const TagPairs& tags) {
  std::string out(xml::kDeclaration);
  out += "<GetJobTaggingResult xmlns=\"" + std::string(kS3ControlNamespace) + "\">";
  tag_list(out, "Tags", tags);
  return out + "</GetJobTaggingResult>";
}

}  // namespace bf
