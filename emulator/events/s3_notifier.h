// Turns object changes into outbox entries: for each of the bucket's notification
// configurations that selects the change, the exact S3 event record AWS would deliver.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "emulator/base/clock.h"
#include "emulator/s3/change_observer.h"
#include "emulator/s3/notification_config.h"
#include "emulator/store/bucket_store.h"

namespace bf {

class S3Notifier final : public ChangeObserver {
 public:
  S3Notifier(BucketStore& buckets, const Clock& clock, std::string region, std::string account_id);

  // One entry per configuration of the bucket that selects the change; the callback is empty
  // when the bucket has no configuration.
  ChangeEvents events_for(const EventOrigin& origin, const std::string& bucket,
                          const std::string& event_name) override;

  // The bucket's parsed configuration (cached until its document changes).
  std::shared_ptr<const NotificationConfig> config(const std::string& bucket);


 private:
  std::vector<OutboxEntry> entries_for(const EventOrigin& origin, const std::string& bucket,
                                       const std::string& event_name,
                                       const NotificationConfig& config, const ObjectChange& change);

  BucketStore& buckets_;
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
