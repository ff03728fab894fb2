// A bucket's notification configuration: AWS's XML in and out, its validation rules, and the
// matching of an event against it. Only Lambda destinations deliver; see docs/s3-api.md.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/s3_error.h"

namespace bf {

// The bucket config document the notification configuration is kept in.
inline constexpr const char* kNotificationConfigName = "notification";

struct FunctionNotification {
  std::string id;
  std::string function_arn;
  std::vector<std::string> events;  // as configured: "s3:ObjectCreated:*", ...
  std::string prefix;
  std::string suffix;
};

struct NotificationConfig {
  std::vector<FunctionNotification> functions;
  bool event_bridge = false;  // <EventBridgeConfiguration/> is kept and echoed, not delivered
};

// The region the function an ARN (or name) names lives in, or nullopt if there is no such function.
using FunctionLookup = std::function<std::optional<std::string>(const std::string& arn)>;

// Parses and validates PutBucketNotificationConfiguration's body as S3 does: unknown event
// names, bad filter rules, overlapping rules for one event type and unreachable destinations
// are refused. Ids are generated when absent.
std::variant<NotificationConfig, S3Error> parse_notification_xml(const std::string& text,
                                                                 const FunctionLookup& lookup);
std::string notification_to_xml(const NotificationConfig& config);

// True when "ObjectCreated:Put" is selected by a configured "s3:ObjectCreated:*" (or exact).
bool event_selected(const std::string& configured, const std::string& event_name);
bool key_selected(const FunctionNotification& n, const std::string& key);

// The notification configurations that fire for this event and key, in configuration order.
std::vector<const FunctionNotification*> matching_notifications(const NotificationConfig& config,
                                                                const std::string& event_name,
                                                                const std::string& key);

// Validates a whole configuration (also used for pipeline files); the message names the rule.
std::optional<S3Error> validate_notifications(const NotificationConfig& config,
                                              const FunctionLookup& lookup);

}  // namespace bf
