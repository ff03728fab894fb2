// A bucket's lifecycle configuration: AWS's XML in and out and the validation S3 applies to
// PutBucketLifecycleConfiguration. The rules are kept in this parsed form for the code that
// applies them as time passes.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/s3_error.h"

namespace pugi {
class xml_node;
}

namespace bf {

// The bucket config document the configuration is kept in.
inline constexpr const char* kLifecycleConfigName = "lifecycle";

struct LifecycleFilter {
  std::string prefix;
  Pairs tags;
  std::optional<std::uint64_t> size_greater_than;
  std::optional<std::uint64_t> size_less_than;
  bool legacy_prefix = false;  // <Prefix> directly in the rule, not in <Filter>
};

struct LifecycleTransition {
  std::optional<int> days;
  std::optional<std::int64_t> date_ms;  // midnight UTC
  std::string storage_class;
};

struct NoncurrentTransition {
  int noncurrent_days = 0;
  std::optional<int> newer_noncurrent_versions;
  std::string storage_class;
};

struct NoncurrentExpiration {
  int noncurrent_days = 0;
  std::optional<int> newer_noncurrent_versions;
};

struct LifecycleRule {
  std::string id;
  bool enabled = true;
  LifecycleFilter filter;
  std::optional<int> expiration_days;
  std::optional<std::int64_t> expiration_date_ms;
  bool expired_object_delete_marker = false;
  std::vector<LifecycleTransition> transitions;
  std::vector<NoncurrentTransition> noncurrent_transitions;
  std::optional<NoncurrentExpiration> noncurrent_expiration;
  std::optional<int> abort_incomplete_upload_days;
};

struct LifecycleConfig {
  std::vector<LifecycleRule> rules;
  // When it was put, on the server's clock: the first midnight run after it looks at every
  // object, later runs only at what fell due since the one before.
  std::int64_t configured_ms = 0;
  // x-amz-transition-default-minimum-object-size: all_storage_classes_128K (the default since
  // September 2024) or varies_by_storage_class.
  std::string transition_minimum_size = "all_storage_classes_128K";
};

// A <Filter> element read and written as S3 does (Intelligent-Tiering configurations share it).
std::optional<S3Error> read_filter(const pugi::xml_node& node, LifecycleFilter& filter);
void filter_xml(std::string& out, const LifecycleFilter& filter);

// Parses and validates the request body as S3 does; rules without an ID get a generated one.
std::variant<LifecycleConfig, S3Error> parse_lifecycle_xml(const std::string& text);
std::string lifecycle_to_xml(const LifecycleConfig& config);

// The stored document (the rules as XML, the minimum size, when it was put) and back; null
// for a document that does not parse.
std::string lifecycle_document(const LifecycleConfig& config);
std::shared_ptr<const LifecycleConfig> lifecycle_from_document(const std::string& document);

}  // namespace bf
