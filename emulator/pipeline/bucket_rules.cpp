#include "emulator/pipeline/bucket_rules.h"

#include <algorithm>
#include <map>
#include <optional>

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

// AWS's JSON shape names a list by the plural of the XML element each item becomes.
const std::map<std::string, std::string>& list_elements() {
  static const std::map<std::string, std::string> names = {
      {"Rules", "Rule"},
      {"Transitions", "Transition"},
      {"NoncurrentVersionTransitions", "NoncurrentVersionTransition"},
      {"Tags", "Tag"},
      {"Tierings", "Tiering"},
  };
  return names;
}

struct ShapeError {
  std::string message;
};

// Appends `value` as the children of an element: objects as elements, lists as repeated
// elements, scalars as text.
void append_xml(std::string& out, const Json& value, const std::string& where) {
  if (value.is_object()) {
    for (const auto& [name, child] : value.items()) {
      // Field names become element names: letters only, so none can shape the document.
      const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      });
      if (!plain) throw ShapeError{where + "." + name + ": is not a field S3 takes"};
      if (child.is_array()) {
        auto item = list_elements().find(name);
        if (item == list_elements().end()) throw ShapeError{where + "." + name + ": is not a list S3 takes"};
        for (std::size_t i = 0; i < child.size(); ++i) {
          out += "<" + item->second + ">";
          append_xml(out, child[i], where + "." + name + "[" + std::to_string(i) + "]");
          out += "</" + item->second + ">";
        }
        continue;
      }
      out += "<" + name + ">";
      append_xml(out, child, where + "." + name);
      out += "</" + name + ">";
    }
  } else if (value.is_string()) {
    out += xml::escape(value.get<std::string>());
  } else if (value.is_boolean()) {
    out += value.get<bool>() ? "true" : "false";
  } else if (value.is_number_integer()) {
    out += std::to_string(value.get<long long>());
  } else {
    throw ShapeError{where + ": must be an object, a list, a string, an integer or true/false"};
  }
}

// The document as S3's XML body with `root` as its element; an error names the field.
std::optional<std::string> document_xml(const Json& configuration, const char* root, std::string& out) {
  if (!configuration.is_object()) return std::string("must be an object");
  out = std::string("<") + root + " xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  try {
    append_xml(out, configuration, "");
  } catch (const ShapeError& e) {
    return e.message.substr(1);  // without the leading "."
  }
  out += std::string("</") + root + ">";
  return std::nullopt;
}

std::string s3_message(const S3Error& error) { return error.code + ": " + error.message; }

std::string day_of(std::int64_t ms) { return format_utc_ms(ms, "%Y-%m-%dT%H:%M:%SZ"); }

// A rule's filter as CloudFormation spells it: flat on the rule.
void filter_to_cloudformation(const LifecycleFilter& filter, Json& out) {
  if (!filter.prefix.empty()) out["Prefix"] = filter.prefix;
  if (!filter.tags.empty()) {
    Json tags = Json::array();
    for (const auto& [key, value] : filter.tags) tags.push_back(Json{{"Key", key}, {"Value", value}});
    out["TagFilters"] = tags;
  }
  if (filter.size_greater_than) out["ObjectSizeGreaterThan"] = std::to_string(*filter.size_greater_than);
  if (filter.size_less_than) out["ObjectSizeLessThan"] = std::to_string(*filter.size_less_than);
}

}  // namespace

std::variant<LifecycleConfig, std::string> lifecycle_from_json(const Json& configuration) {
  Json body = configuration;
  std::string minimum = "all_storage_classes_128K";
  if (body.is_object() && body.contains("TransitionDefaultMinimumObjectSize")) {
    const Json& m = body["TransitionDefaultMinimumObjectSize"];
    if (!m.is_string() || (m != "all_storage_classes_128K" && m != "varies_by_storage_class"))
      return std::string("TransitionDefaultMinimumObjectSize: must be \"all_storage_classes_128K\" or "
                         "\"varies_by_storage_class\"");
    minimum = m.get<std::string>();
    body.erase("TransitionDefaultMinimumObjectSize");
  }
  std::string xml;
  if (auto error = document_xml(body, "LifecycleConfiguration", xml)) return *error;
  auto parsed = parse_lifecycle_xml(xml);
  if (auto* error = std::get_if<S3Error>(&parsed)) return s3_message(*error);
  LifecycleConfig config = std::get<LifecycleConfig>(std::move(parsed));
  config.transition_minimum_size = minimum;
  return config;
}

std::variant<TieringConfig, std::string> tiering_from_json(const Json& configuration) {
  std::string xml;
  if (auto error = document_xml(configuration, "IntelligentTieringConfiguration", xml)) return *error;
  auto parsed = parse_tiering_xml(xml);
  if (auto* error = std::get_if<S3Error>(&parsed)) return s3_message(*error);
  return std::get<TieringConfig>(std::move(parsed));
}

Json lifecycle_to_cloudformation(const LifecycleConfig& config) {
  Json rules = Json::array();
  for (const auto& rule : config.rules) {
    Json r{{"Id", rule.id}, {"Status", rule.enabled ? "Enabled" : "Disabled"}};
    filter_to_cloudformation(rule.filter, r);
    if (!rule.transitions.empty()) {
      Json transitions = Json::array();
      for (const auto& t : rule.transitions) {
        Json tj{{"StorageClass", t.storage_class}};
        if (t.days) tj["TransitionInDays"] = *t.days;
        if (t.date_ms) tj["TransitionDate"] = day_of(*t.date_ms);
        transitions.push_back(tj);
      }
      r["Transitions"] = transitions;
    }
    if (rule.expiration_days) r["ExpirationInDays"] = *rule.expiration_days;
    if (rule.expiration_date_ms) r["ExpirationDate"] = day_of(*rule.expiration_date_ms);
    if (rule.expired_object_delete_marker) r["ExpiredObjectDeleteMarker"] = true;
    if (!rule.noncurrent_transitions.empty()) {
      Json transitions = Json::array();
      for (const auto& t : rule.noncurrent_transitions) {
        Json tj{{"StorageClass", t.storage_class}, {"TransitionInDays", t.noncurrent_days}};
        if (t.newer_noncurrent_versions) tj["NewerNoncurrentVersions"] = *t.newer_noncurrent_versions;
        transitions.push_back(tj);
      }
      r["NoncurrentVersionTransitions"] = transitions;
    }
    if (rule.noncurrent_expiration) {
      Json e{{"NoncurrentDays", rule.noncurrent_expiration->noncurrent_days}};
      if (rule.noncurrent_expiration->newer_noncurrent_versions)
        e["NewerNoncurrentVersions"] = *rule.noncurrent_expiration->newer_noncurrent_versions;
      r["NoncurrentVersionExpiration"] = e;
    }
    if (rule.abort_incomplete_upload_days)
      r["AbortIncompleteMultipartUpload"] = {{"DaysAfterInitiation", *rule.abort_incomplete_upload_days}};
    rules.push_back(r);
  }
  return Json{{"Rules", rules}, {"TransitionDefaultMinimumObjectSize", config.transition_minimum_size}};
}

Json tiering_to_cloudformation(const std::vector<TieringConfig>& configs) {
  Json out = Json::array();
  for (const auto& c : configs) {
    Json j{{"Id", c.id}, {"Status", c.enabled ? "Enabled" : "Disabled"}};
    LifecycleFilter filter = c.filter;
    filter.size_greater_than.reset();
    filter.size_less_than.reset();
    filter_to_cloudformation(filter, j);
    Json tierings = Json::array();
    if (c.archive_access_days) tierings.push_back(Json{{"AccessTier", "ARCHIVE_ACCESS"}, {"Days", *c.archive_access_days}});
    if (c.deep_archive_access_days)
      tierings.push_back(Json{{"AccessTier", "DEEP_ARCHIVE_ACCESS"}, {"Days", *c.deep_archive_access_days}});
    j["Tierings"] = tierings;
    out.push_back(j);
  }
  return out;
}

}  // namespace bf
