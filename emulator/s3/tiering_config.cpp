#include "emulator/s3/tiering_config.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "emulator/s3/lifecycle_rules.h"
#include "emulator/s3/xml.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::uint64_t kMonitoredSize = 128 * 1024;
// S3 User Guide, "How S3 Intelligent-Tiering works".
constexpr int kInfrequentDays = 30;
constexpr int kArchiveInstantDays = 90;
constexpr int kMaxArchiveDays = 730;

S3Error invalid_argument(const std::string& message) { return s3_error("InvalidArgument", message); }

int tier_rank(const std::string& tier) {
  if (tier == kInfrequentAccess) return 1;
  if (tier == kArchiveInstantAccess) return 2;
  if (tier == kArchiveAccess) return 3;
  if (tier == kDeepArchiveAccess) return 4;
  return 0;
}

std::optional<S3Error> read_tiering(const pugi::xml_node& node, TieringConfig& config) {
  const std::string tier = node.child_value("AccessTier");
  auto days = parse_decimal(node.child_value("Days"), 100000);
  if (!days) return s3_error("MalformedXML");
  if (tier == kArchiveAccess) {
    if (*days < 90 || *days > kMaxArchiveDays)
      return invalid_argument("Days for the ARCHIVE_ACCESS tier must be between 90 and 730");
    if (config.archive_access_days) return invalid_argument("Each access tier may be given once");
    config.archive_access_days = static_cast<int>(*days);
  } else if (tier == kDeepArchiveAccess) {
    if (*days < 180 || *days > kMaxArchiveDays)
      return invalid_argument("Days for the DEEP_ARCHIVE_ACCESS tier must be between 180 and 730");
    if (config.deep_archive_access_days) return invalid_argument("Each access tier may be given once");
    config.deep_archive_access_days = static_cast<int>(*days);
  } else {
    return s3_error("MalformedXML");
  }
  return std::nullopt;
}

}  // namespace

std::variant<TieringConfig, S3Error> parse_tiering_xml(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("IntelligentTieringConfiguration");
  if (!root) return s3_error("MalformedXML");
  TieringConfig config;
  config.id = root.child_value("Id");
  if (config.id.empty() || config.id.size() > 64) return s3_error("MalformedXML");
  const std::string status = root.child_value("Status");
  if (status != "Enabled" && status != "Disabled") return s3_error("MalformedXML");
  config.enabled = status == "Enabled";
  if (auto filter = root.child("Filter")) {
    if (filter.child("ObjectSizeGreaterThan") || filter.child("ObjectSizeLessThan") ||
        filter.child("And").child("ObjectSizeGreaterThan") || filter.child("And").child("ObjectSizeLessThan"))
      return s3_error("MalformedXML");
    if (auto err = read_filter(filter, config.filter)) return *err;
  }
  for (auto tiering : root.children("Tiering"))
    if (auto err = read_tiering(tiering, config)) return *err;
  if (!config.archive_access_days && !config.deep_archive_access_days)
    return s3_error("MalformedXML");
  if (config.archive_access_days && config.deep_archive_access_days &&
      *config.archive_access_days >= *config.deep_archive_access_days)
    return invalid_argument("Days for the DEEP_ARCHIVE_ACCESS tier must be greater than those of "
                            "the ARCHIVE_ACCESS tier");
  return config;
}

std::string tiering_to_xml(const TieringConfig& c, bool as_document) {
  std::string out = as_document ? "<IntelligentTieringConfiguration xmlns=\"" +
                                      std::string(xml::kS3Namespace) + "\">"
                                : "<IntelligentTieringConfiguration>";
  xml::element(out, "Id", c.id);
  if (!c.filter.prefix.empty() || !c.filter.tags.empty()) filter_xml(out, c.filter);
  xml::element(out, "Status", c.enabled ? "Enabled" : "Disabled");
  auto tiering = [&](int days, const char* tier) {
    out += "<Tiering>";
    xml::element(out, "Days", static_cast<std::uint64_t>(days));
    xml::element(out, "AccessTier", tier);
    out += "</Tiering>";
  };
  if (c.archive_access_days) tiering(*c.archive_access_days, kArchiveAccess);
  if (c.deep_archive_access_days) tiering(*c.deep_archive_access_days, kDeepArchiveAccess);
  out += "</IntelligentTieringConfiguration>";
  return out;
}

std::vector<TieringConfig> tiering_configs_from_document(const std::string& document) {
  std::vector<TieringConfig> out;
  auto j = nlohmann::json::parse(document, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (!item.is_object()) continue;
    auto parsed = parse_tiering_xml(item.value("xml", ""));
    if (auto* config = std::get_if<TieringConfig>(&parsed)) {
      config->configured_ms = item.value("configured", std::int64_t{0});
      out.push_back(std::move(*config));
    }
  }
  return out;
}

std::string tiering_document(const std::vector<TieringConfig>& configs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : configs)
    list.push_back({{"xml", tiering_to_xml(c, true)}, {"configured", c.configured_ms}});
  return to_text(list);
}

bool tiering_monitored(const ObjectRecord& object) {
  return object.storage_class == "INTELLIGENT_TIERING" && !object.delete_marker &&
         object.size >= kMonitoredSize;
}

std::optional<std::string> tier_due(const std::vector<TieringConfig>& configs,
                                    const ObjectRecord& object, const ObjectMeta& meta,
                                    std::int64_t now_ms) {
  if (!tiering_monitored(object)) return std::nullopt;
  const std::int64_t idle_since = object.last_access_ms ? object.last_access_ms : object.last_modified_ms;
  auto reached = [&](int days) { return midnight_after(idle_since, days) <= now_ms; };
  std::string tier;
  if (reached(kInfrequentDays)) tier = kInfrequentAccess;
  if (reached(kArchiveInstantDays)) tier = kArchiveInstantAccess;
  for (const auto& c : configs) {
    if (!c.enabled) continue;
    LifecycleRule as_rule;
    as_rule.filter = c.filter;
    if (!rule_applies(as_rule, object.key, object.size, meta.tags)) continue;
    if (c.archive_access_days && reached(*c.archive_access_days) && tier_rank(kArchiveAccess) > tier_rank(tier))
      tier = kArchiveAccess;
    if (c.deep_archive_access_days && reached(*c.deep_archive_access_days))
      tier = kDeepArchiveAccess;
  }
  if (tier_rank(tier) <= tier_rank(meta.access_tier)) return std::nullopt;
  return tier;
}

std::vector<TimeWindow> tiering_spans(const std::vector<TieringConfig>& configs,
                                      std::optional<std::int64_t> previous_ms, std::int64_t run_ms) {
  std::vector<TimeWindow> spans = {span_for_days(kInfrequentDays, previous_ms, run_ms),
                                   span_for_days(kArchiveInstantDays, previous_ms, run_ms)};
  for (const auto& c : configs) {
    if (!c.enabled) continue;
    // A configuration put since the last run looks at every object once.
    auto since = previous_ms && c.configured_ms < *previous_ms ? previous_ms : std::nullopt;
    if (c.archive_access_days) spans.push_back(span_for_days(*c.archive_access_days, since, run_ms));
    if (c.deep_archive_access_days) spans.push_back(span_for_days(*c.deep_archive_access_days, since, run_ms));
  }
  return merge_spans(std::move(spans));
}

}  // namespace bf
