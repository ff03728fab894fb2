// Turns object changes into outbox entries: for each of the bucket's notification
// configurations that selects the change, the exact S3 event record AWS would deliver.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/events/notification_config.h"
#include "emulator/http/message.h"
#include "emulator/store/store.h"

namespace bf {

inline constexpr const char* kNotificationConfigName = "notification";

// Who caused a change, as the event reports it.
struct EventOrigin {
  std::string request_id;
  std::string source_ip;
  std::string principal_id;  // "AWS:<access key>"
  std::string trace_header;  // X-Amzn-Trace-Id of the request (carries the lineage)
};

EventOrigin event_origin(const HttpRequest& request, const Credentials* principal);

class S3Notifier {
 public:
  S3Notifier(Store& store, const Clock& clock, std::string region, std::string account_id);

  // The callback a store write runs inside its transaction. `event_name` is the record's
  // eventName ("ObjectCreated:Put"); for deletes pass kRemovedEvent and the change decides
  // between Delete and DeleteMarkerCreated. Empty when the bucket has no configuration.
  static constexpr const char* kRemovedEvent = "ObjectRemoved:*";
  ChangeEvents events_for(const EventOrigin& origin, const std::string& bucket,
                          const std::string& event_name);

  // The bucket's parsed configuration (cached until its document changes).
  std::shared_ptr<const NotificationConfig> config(const std::string& bucket);


 private:
  std::vector<OutboxEntry> entries_for(const EventOrigin& origin, const std::string& bucket,
                                       const std::string& event_name,
                                       const NotificationConfig& config, const ObjectChange& change);

  Store& store_;
  const Clock& clock_;
  std::string region_;
  std::string account_id_;
  std::mutex mu_;
  struct Cached {
    std::string document;
    std::shared_ptr<const NotificationConfig> config;
  };
  std::map<std::string, Cached> cache_;
};

}  // namespace bf
