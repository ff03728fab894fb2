#include "emulator/s3/notification_config.h"

#include <pugixml.hpp>

#include <array>
#include <random>

#include "emulator/s3/xml.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

// Event types a configuration may name, with the "s3:" prefix; "*" forms select a family.
constexpr std::array kEventTypes = {
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject", "s3:Replication:*",
    "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition",
    "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put"};

bool known_event(const std::string& name) {
  for (const char* e : kEventTypes)
    if (name == e) return true;
  return false;
}

std::string random_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string bytes(16, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng());
  return base64_encode(bytes).substr(0, 22);
}

S3Error invalid_argument(const std::string& message, const std::string& name = "",
                         const std::string& value = "") {
  S3Error err = s3_error("InvalidArgument", message);
  if (!name.empty()) {
    err.details.emplace_back("ArgumentName", name);
    err.details.emplace_back("ArgumentValue", value);
  }
  return err;
}

// "s3:ObjectCreated:*" and "s3:ObjectCreated:Put" overlap; so do two equal names.
bool events_overlap(const std::string& a, const std::string& b) {
  auto family = [](const std::string& e) {
    auto colon = e.rfind(':');
    return e.ends_with(":*") ? e.substr(0, colon) : std::string();
  };
  if (a == b) return true;
  std::string fa = family(a), fb = family(b);
  if (!fa.empty() && b.starts_with(fa + ":")) return true;
  if (!fb.empty() && a.starts_with(fb + ":")) return true;
  return false;
}

bool prefixes_overlap(const std::string& a, const std::string& b) {
  return a.starts_with(b) || b.starts_with(a);
}

bool suffixes_overlap(const std::string& a, const std::string& b) {
  return a.ends_with(b) || b.ends_with(a);
}

}  // namespace

bool event_selected(const std::string& configured, const std::string& event_name) {
  std::string_view c = configured;
  if (c.starts_with("s3:")) c.remove_prefix(3);
  if (c.ends_with(":*")) return std::string_view(event_name).starts_with(c.substr(0, c.size() - 1));
  return c == event_name;
}

bool key_selected(const FunctionNotification& n, const std::string& key) {
  return key.starts_with(n.prefix) && key.ends_with(n.suffix);
}

std::vector<const FunctionNotification*> matching_notifications(const NotificationConfig& config,
                                                                const std::string& event_name,
                                                                const std::string& key) {
  std::vector<const FunctionNotification*> out;
  for (const auto& n : config.functions) {
    if (!key_selected(n, key)) continue;
    for (const auto& e : n.events)
      if (event_selected(e, event_name)) {
        out.push_back(&n);
        break;
      }
  }
  return out;
}

std::optional<S3Error> validate_notifications(const NotificationConfig& config,
                                              const FunctionLookup& lookup) {
  for (std::size_t i = 0; i < config.functions.size(); ++i) {
    const auto& n = config.functions[i];
    if (n.events.empty()) return s3_error("MalformedXML");
    for (const auto& e : n.events)
      if (!known_event(e)) return invalid_argument("The event is not supported for notifications", e, e);
    if (lookup && !lookup(n.function_arn))
      return invalid_argument("Unable to validate the following destination configurations",
                              n.function_arn, "Not authorized to invoke function [" + n.function_arn + "]");
    for (std::size_t j = 0; j < i; ++j) {
      const auto& m = config.functions[j];
      if (m.id == n.id)
        return invalid_argument("Configurations must have unique ids", "Id", n.id);
      bool same_event = false;
      for (const auto& a : n.events)
        for (const auto& b : m.events) same_event = same_event || events_overlap(a, b);
      if (same_event && prefixes_overlap(n.prefix, m.prefix) && suffixes_overlap(n.suffix, m.suffix))
        return invalid_argument(
            "Configuration is ambiguously defined. Cannot have overlapping suffixes in two "
            "rules if the prefixes are overlapping for the same event type.");
    }
  }
  return std::nullopt;
}

std::variant<NotificationConfig, S3Error> parse_notification_xml(const std::string& text,
                                                                 const FunctionLookup& lookup) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("NotificationConfiguration");
  if (!root) return s3_error("MalformedXML");
  NotificationConfig config;
  for (auto node : root.children()) {
    std::string name = node.name();
    if (name == "EventBridgeConfiguration") {
      config.event_bridge = true;
      continue;
    }
    if (name == "QueueConfiguration" || name == "TopicConfiguration") {
      // No SQS or SNS here: refused the way S3 refuses a destination it cannot reach.
      std::string arn = node.child_value(name == "QueueConfiguration" ? "Queue" : "Topic");
      return invalid_argument("Unable to validate the following destination configurations", arn,
                              "Destination type is not supported by this emulator (only Lambda)");
    }
    if (name != "CloudFunctionConfiguration") return s3_error("MalformedXML");
    FunctionNotification n;
    n.id = node.child_value("Id");
    if (n.id.empty()) n.id = random_id();
    n.function_arn = node.child_value("CloudFunction");
    if (n.function_arn.empty()) return s3_error("MalformedXML");
    for (auto e : node.children("Event")) n.events.emplace_back(e.text().get());
    bool has_prefix = false, has_suffix = false;
    for (auto rule : node.child("Filter").child("S3Key").children("FilterRule")) {
      std::string rule_name = ascii_lower(rule.child_value("Name"));
      std::string value = rule.child_value("Value");
      if (rule_name == "prefix") {
        if (has_prefix) return invalid_argument("Cannot specify more than one prefix rule in a filter.", "FilterRule", "prefix");
        has_prefix = true;
        n.prefix = value;
      } else if (rule_name == "suffix") {
        if (has_suffix) return invalid_argument("Cannot specify more than one suffix rule in a filter.", "FilterRule", "suffix");
        has_suffix = true;
        n.suffix = value;
      } else {
        return invalid_argument("filter rule name must be either prefix or suffix", "FilterRule",
                                rule.child_value("Name"));
      }
    }
    config.functions.push_back(std::move(n));
  }
  if (auto err = validate_notifications(config, lookup)) return *err;
  return config;
}

std::string notification_to_xml(const NotificationConfig& config) {
  std::string out = "<NotificationConfiguration xmlns=\"";
  out += xml::kS3Namespace;
  out += "\">";
  for (const auto& n : config.functions) {
    out += "<CloudFunctionConfiguration>";
    xml::element(out, "Id", n.id);
    xml::element(out, "CloudFunction", n.function_arn);
    for (const auto& e : n.events) xml::element(out, "Event", e);
    if (!n.prefix.empty() || !n.suffix.empty()) {
      out += "<Filter><S3Key>";
      for (const auto& [rule, value] : {std::pair{"Prefix", &n.prefix}, std::pair{"Suffix", &n.suffix}}) {
        if (value->empty()) continue;
        out += "<FilterRule>";
        xml::element(out, "Name", rule);
        xml::element(out, "Value", *value);
        out += "</FilterRule>";
      }
      out += "</S3Key></Filter>";
    }
    out += "</CloudFunctionConfiguration>";
  }
  if (config.event_bridge) out += "<EventBridgeConfiguration></EventBridgeConfiguration>";
  out += "</NotificationConfiguration>";
  return out;
}

}  // namespace bf
