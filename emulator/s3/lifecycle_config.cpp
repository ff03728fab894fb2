#include "emulator/s3/lifecycle_config.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <set>

#include "emulator/base/time.h"
#include "emulator/s3/opaque_id.h"
#include "emulator/s3/xml.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kMaxRules = 1000;
constexpr std::size_t kMaxIdLength = 255;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

const std::set<std::string>& transition_classes() {
  static const std::set<std::string> classes = {"STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                                                "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"};
  return classes;
}

bool infrequent_access(const std::string& storage_class) {
  return storage_class == "STANDARD_IA" || storage_class == "ONEZONE_IA";
}

S3Error invalid_argument(const std::string& message) { return s3_error("InvalidArgument", message); }

// A whole number in [min, max] from a child element, when present.
std::variant<std::optional<std::uint64_t>, S3Error> number(const pugi::xml_node& parent,
                                                          const char* name, std::uint64_t min,
                                                          std::uint64_t max, const std::string& what) {
  auto node = parent.child(name);
  if (!node) return std::optional<std::uint64_t>();
  auto parsed = parse_decimal(node.child_value(), max);
  if (!parsed || *parsed < min) return invalid_argument(what);
  return parsed;
}

template <typename T>
std::optional<S3Error> read_number(const pugi::xml_node& parent, const char* name, std::uint64_t min,
                                   std::uint64_t max, const std::string& what, std::optional<T>& out) {
  auto got = number(parent, name, min, max, what);
  if (auto* err = std::get_if<S3Error>(&got)) return *err;
  if (auto& value = std::get<std::optional<std::uint64_t>>(got)) out = static_cast<T>(*value);
  return std::nullopt;
}

std::optional<S3Error> read_date(const pugi::xml_node& node, std::optional<std::int64_t>& out) {
  auto ms = parse_iso8601_prefix(node.child_value());
  if (!ms) return s3_error("MalformedXML");
  if (*ms % kDayMs != 0) return invalid_argument("'Date' must be at midnight GMT");
  out = *ms;
  return std::nullopt;
}

std::optional<S3Error> read_tag(const pugi::xml_node& tag, Pairs& tags) {
  if (!tag.child("Key")) return s3_error("MalformedXML");
  tags.emplace_back(tag.child_value("Key"), tag.child_value("Value"));
  return std::nullopt;
}

std::optional<S3Error> read_sizes(const pugi::xml_node& node, LifecycleFilter& f) {
  if (auto err = read_number(node, "ObjectSizeGreaterThan", 0, UINT64_MAX,
                             "ObjectSizeGreaterThan must be a non-negative number", f.size_greater_than))
    return err;
  return read_number(node, "ObjectSizeLessThan", 1, UINT64_MAX,
                     "ObjectSizeLessThan must be a positive number", f.size_less_than);
}

}  // namespace

// <Filter> holds one condition, or several inside <And>.
std::optional<S3Error> read_filter(const pugi::xml_node& node, LifecycleFilter& f) {
  int conditions = 0;
  for (auto child : node.children())
    if (child.type() == pugi::node_element) ++conditions;
  if (conditions > 1) return s3_error("MalformedXML");
  if (auto prefix = node.child("Prefix")) f.prefix = prefix.child_value();
  if (auto tag = node.child("Tag"))
    if (auto err = read_tag(tag, f.tags)) return err;
  if (auto err = read_sizes(node, f)) return err;
  if (auto all = node.child("And")) {
    f.prefix = all.child_value("Prefix");
    for (auto tag : all.children("Tag"))
      if (auto err = read_tag(tag, f.tags)) return err;
    if (auto err = read_sizes(all, f)) return err;
  }
  if (auto err = validate_tags(f.tags)) return err;
  if (f.size_greater_than && f.size_less_than && *f.size_greater_than >= *f.size_less_than)
    return invalid_argument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
  return std::nullopt;
}

namespace {

std::optional<S3Error> read_expiration(const pugi::xml_node& node, LifecycleRule& rule) {
  const bool days = node.child("Days"), date = node.child("Date"),
             marker = node.child("ExpiredObjectDeleteMarker");
  if (days + date + marker != 1) return s3_error("MalformedXML");
  if (auto err = read_number(node, "Days", 1, INT32_MAX,
                             "'Days' for Expiration action must be a positive integer", rule.expiration_days))
    return err;
  if (date)
    if (auto err = read_date(node.child("Date"), rule.expiration_date_ms)) return err;
  if (marker) {
    std::string value = node.child_value("ExpiredObjectDeleteMarker");
    if (value != "true" && value != "false") return s3_error("MalformedXML");
    rule.expired_object_delete_marker = value == "true";
  }
  return std::nullopt;
}

std::optional<S3Error> read_transition(const pugi::xml_node& node, LifecycleRule& rule) {
  LifecycleTransition t;
  t.storage_class = node.child_value("StorageClass");
  if (!transition_classes().count(t.storage_class)) return s3_error("MalformedXML");
  if (node.child("Days") && node.child("Date")) return s3_error("MalformedXML");
  if (!node.child("Days") && !node.child("Date")) return s3_error("MalformedXML");
  if (auto err = read_number(node, "Days", 0, INT32_MAX,
                             "'Days' in Transition action must be a non-negative integer", t.days))
    return err;
  if (auto date = node.child("Date"))
    if (auto err = read_date(date, t.date_ms)) return err;
  if (t.days && infrequent_access(t.storage_class) && *t.days < 30)
    return invalid_argument("'Days' in Transition action must be greater than or equal to 30 for "
                            "storageClass '" + t.storage_class + "'");
  rule.transitions.push_back(t);
  return std::nullopt;
}

std::optional<S3Error> read_noncurrent(const pugi::xml_node& rule_node, LifecycleRule& rule) {
  for (auto node : rule_node.children("NoncurrentVersionTransition")) {
    NoncurrentTransition t;
    t.storage_class = node.child_value("StorageClass");
    if (!transition_classes().count(t.storage_class)) return s3_error("MalformedXML");
    std::optional<int> days;
    if (auto err = read_number(node, "NoncurrentDays", 0, INT32_MAX,
                               "'NoncurrentDays' in NoncurrentVersionTransition action must be a "
                               "non-negative integer", days))
      return err;
    if (!days) return s3_error("MalformedXML");
    if (infrequent_access(t.storage_class) && *days < 30)
      return invalid_argument("'NoncurrentDays' in NoncurrentVersionTransition action must be "
                              "greater than or equal to 30 for storageClass '" + t.storage_class + "'");
    t.noncurrent_days = *days;
    if (auto err = read_number(node, "NewerNoncurrentVersions", 1, 100,
                               "NewerNoncurrentVersions must be between 1 and 100",
                               t.newer_noncurrent_versions))
      return err;
    rule.noncurrent_transitions.push_back(t);
  }
  if (auto node = rule_node.child("NoncurrentVersionExpiration")) {
    NoncurrentExpiration e;
    std::optional<int> days;
    if (auto err = read_number(node, "NoncurrentDays", 1, INT32_MAX,
                               "'NoncurrentDays' for NoncurrentVersionExpiration action must be a "
                               "positive integer", days))
      return err;
    if (!days) return s3_error("MalformedXML");
    e.noncurrent_days = *days;
    if (auto err = read_number(node, "NewerNoncurrentVersions", 1, 100,
                               "NewerNoncurrentVersions must be between 1 and 100",
                               e.newer_noncurrent_versions))
      return err;
    rule.noncurrent_expiration = e;
  }
  return std::nullopt;
}

std::variant<LifecycleRule, S3Error> read_rule(const pugi::xml_node& node) {
  LifecycleRule rule;
  rule.id = node.child_value("ID");
  if (rule.id.size() > kMaxIdLength)
    return invalid_argument("ID length should not exceed allowed limit of 255");
  if (rule.id.empty()) rule.id = random_opaque_id(24);
  const std::string status = node.child_value("Status");
  if (status != "Enabled" && status != "Disabled") return s3_error("MalformedXML");
  rule.enabled = status == "Enabled";

  auto filter = node.child("Filter");
  auto legacy = node.child("Prefix");
  if (filter && legacy) return s3_error("MalformedXML");
  if (filter) {
    if (auto err = read_filter(filter, rule.filter)) return *err;
  } else if (legacy) {
    rule.filter.prefix = legacy.child_value();
    rule.filter.legacy_prefix = true;
  }

  if (auto expiration = node.child("Expiration"))
    if (auto err = read_expiration(expiration, rule)) return *err;
  for (auto transition : node.children("Transition"))
    if (auto err = read_transition(transition, rule)) return *err;
  if (auto err = read_noncurrent(node, rule)) return *err;
  if (auto abort = node.child("AbortIncompleteMultipartUpload")) {
    if (auto err = read_number(abort, "DaysAfterInitiation", 1, INT32_MAX,
                               "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must "
                               "be a positive integer", rule.abort_incomplete_upload_days))
      return *err;
    if (!rule.abort_incomplete_upload_days) return s3_error("MalformedXML");
    if (!rule.filter.tags.empty())
      return s3_error("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.");
    if (rule.filter.size_greater_than || rule.filter.size_less_than)
      return s3_error("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Object Size.");
  }
  if (rule.expired_object_delete_marker && !rule.filter.tags.empty())
    return s3_error("InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.");

  const bool has_action = rule.expiration_days || rule.expiration_date_ms ||
                          rule.expired_object_delete_marker || !rule.transitions.empty() ||
                          !rule.noncurrent_transitions.empty() || rule.noncurrent_expiration ||
                          rule.abort_incomplete_upload_days;
  if (!has_action)
    return s3_error("InvalidRequest", "At least one action needs to be specified in a rule");
  for (const auto& t : rule.transitions)
    if (t.days && rule.expiration_days && *rule.expiration_days <= *t.days)
      return invalid_argument("'Days' in the Expiration action for filter must be greater than "
                              "'Days' in the Transition action");
  return rule;
}

}  // namespace

void filter_xml(std::string& out, const LifecycleFilter& f) {
  if (f.legacy_prefix) {
    xml::element(out, "Prefix", f.prefix);
    return;
  }
  const int conditions = !f.prefix.empty() + static_cast<int>(f.tags.size()) +
                         f.size_greater_than.has_value() + f.size_less_than.has_value();
  auto conditions_xml = [&](std::string& into) {
    if (!f.prefix.empty()) xml::element(into, "Prefix", f.prefix);
    for (const auto& [k, v] : f.tags) {
      into += "<Tag>";
      xml::element(into, "Key", k);
      xml::element(into, "Value", v);
      into += "</Tag>";
    }
    if (f.size_greater_than) xml::element(into, "ObjectSizeGreaterThan", *f.size_greater_than);
    if (f.size_less_than) xml::element(into, "ObjectSizeLessThan", *f.size_less_than);
  };
  out += "<Filter>";
  if (conditions > 1) {
    out += "<And>";
    conditions_xml(out);
    out += "</And>";
  } else if (conditions == 1) {
    conditions_xml(out);
  } else {
    xml::element(out, "Prefix", "");
  }
  out += "</Filter>";
}

namespace {

std::string date_xml(std::int64_t ms) { return format_utc_ms(ms, "%Y-%m-%dT%H:%M:%S.000Z"); }

}  // namespace

std::variant<LifecycleConfig, S3Error> parse_lifecycle_xml(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("LifecycleConfiguration");
  if (!root) return s3_error("MalformedXML");
  LifecycleConfig config;
  std::set<std::string> ids;
  for (auto node : root.children("Rule")) {
    if (config.rules.size() == kMaxRules)
      return s3_error("InvalidRequest", "The number of lifecycle rules must not exceed the allowed "
                                        "limit of 1000 rules");
    auto rule = read_rule(node);
    if (auto* err = std::get_if<S3Error>(&rule)) return *err;
    auto& parsed = std::get<LifecycleRule>(rule);
    if (!ids.insert(parsed.id).second)
      return invalid_argument("Rule ID must be unique. Found same ID for more than one rule");
    config.rules.push_back(std::move(parsed));
  }
  if (config.rules.empty()) return s3_error("MalformedXML");
  return config;
}

std::string lifecycle_to_xml(const LifecycleConfig& config) {
  std::string out = "<LifecycleConfiguration xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  for (const auto& r : config.rules) {
    out += "<Rule>";
    if (r.expiration_days || r.expiration_date_ms || r.expired_object_delete_marker) {
      out += "<Expiration>";
      if (r.expiration_days) xml::element(out, "Days", static_cast<std::uint64_t>(*r.expiration_days));
      if (r.expiration_date_ms) xml::element(out, "Date", date_xml(*r.expiration_date_ms));
      if (r.expired_object_delete_marker) xml::element(out, "ExpiredObjectDeleteMarker", true);
      out += "</Expiration>";
    }
    xml::element(out, "ID", r.id);
    filter_xml(out, r.filter);
    xml::element(out, "Status", r.enabled ? "Enabled" : "Disabled");
    for (const auto& t : r.transitions) {
      out += "<Transition>";
      if (t.days) xml::element(out, "Days", static_cast<std::uint64_t>(*t.days));
      if (t.date_ms) xml::element(out, "Date", date_xml(*t.date_ms));
      xml::element(out, "StorageClass", t.storage_class);
      out += "</Transition>";
    }
    for (const auto& t : r.noncurrent_transitions) {
      out += "<NoncurrentVersionTransition>";
      xml::element(out, "NoncurrentDays", static_cast<std::uint64_t>(t.noncurrent_days));
      xml::element(out, "StorageClass", t.storage_class);
      if (t.newer_noncurrent_versions)
        xml::element(out, "NewerNoncurrentVersions", static_cast<std::uint64_t>(*t.newer_noncurrent_versions));
      out += "</NoncurrentVersionTransition>";
    }
    if (const auto& e = r.noncurrent_expiration) {
      out += "<NoncurrentVersionExpiration>";
      xml::element(out, "NoncurrentDays", static_cast<std::uint64_t>(e->noncurrent_days));
      if (e->newer_noncurrent_versions)
        xml::element(out, "NewerNoncurrentVersions", static_cast<std::uint64_t>(*e->newer_noncurrent_versions));
      out += "</NoncurrentVersionExpiration>";
    }
    if (r.abort_incomplete_upload_days) {
      out += "<AbortIncompleteMultipartUpload>";
      xml::element(out, "DaysAfterInitiation", static_cast<std::uint64_t>(*r.abort_incomplete_upload_days));
      out += "</AbortIncompleteMultipartUpload>";
    }
    out += "</Rule>";
  }
  out += "</LifecycleConfiguration>";
  return out;
}

std::string lifecycle_document(const LifecycleConfig& config) {
  return to_text(nlohmann::json{{"minimumObjectSize", config.transition_minimum_size},
                                {"rules", lifecycle_to_xml(config)},
                                {"configured", config.configured_ms}});
}

std::shared_ptr<const LifecycleConfig> lifecycle_from_document(const std::string& document) {
  auto j = nlohmann::json::parse(document, nullptr, false);
  if (!j.is_object()) return nullptr;
  auto parsed = parse_lifecycle_xml(j.value("rules", ""));
  auto* config = std::get_if<LifecycleConfig>(&parsed);
  if (!config) return nullptr;
  // The rules were stored with their IDs, so parsing them again generates none.
  config->transition_minimum_size = j.value("minimumObjectSize", config->transition_minimum_size);
  config->configured_ms = j.value("configured", std::int64_t{0});
  return std::make_shared<const LifecycleConfig>(std::move(*config));
}

}  // namespace bf
