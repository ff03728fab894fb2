// Intelligent-Tiering: a bucket's opt-in archive configurations (AWS's XML in and out, with
// S3's validation), and the access tier an object reaches after days without access, as pure
// functions shared by the midnight runs, HEAD and the object report.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/object_store.h"

namespace bf {

// The bucket config document that holds every configuration of the bucket.
inline constexpr const char* kTieringConfigName = "intelligent-tiering";

// Access tiers as ObjectMeta::access_tier keeps them (empty: Frequent Access).
inline constexpr const char* kInfrequentAccess = "INFREQUENT_ACCESS";
inline constexpr const char* kArchiveInstantAccess = "ARCHIVE_INSTANT_ACCESS";
inline constexpr const char* kArchiveAccess = "ARCHIVE_ACCESS";
inline constexpr const char* kDeepArchiveAccess = "DEEP_ARCHIVE_ACCESS";

struct TieringConfig {
  std::string id;
  bool enabled = true;
  LifecycleFilter filter;  // Prefix and tags only
  std::optional<int> archive_access_days;
  std::optional<int> deep_archive_access_days;
  std::int64_t configured_ms = 0;  // when it was put, on the server's clock
};

std::variant<TieringConfig, S3Error> parse_tiering_xml(const std::string& text);
// The <IntelligentTieringConfiguration> element; with the namespace when it is the document.
std::string tiering_to_xml(const TieringConfig& config, bool as_document);

// The stored document and back: every configuration of a bucket, by id.
std::vector<TieringConfig> tiering_configs_from_document(const std::string& document);
std::string tiering_document(const std::vector<TieringConfig>& configs);

// Whether objects of the class are moved between access tiers at all (Intelligent-Tiering,
// 128 KB and up; smaller ones stay in Frequent Access, unmonitored).
bool tiering_monitored(const ObjectRecord& object);

// The tier the object has reached at `now_ms` after no access since `last_access_ms`, or
// nothing when it stays in the tier it has (tiers only move down on their own).
std::optional<std::string> tier_due(const std::vector<TieringConfig>& configs,
                                    const ObjectRecord& object, const ObjectMeta& meta,
                                    std::int64_t now_ms);

// The spans of last access in which an object's tier falls due in the run at `run_ms` after
// the one at `previous_ms` (see lifecycle_rules.h).
std::vector<TimeWindow> tiering_spans(const std::vector<TieringConfig>& configs,
                                      std::optional<std::int64_t> previous_ms, std::int64_t run_ms);

}  // namespace bf
