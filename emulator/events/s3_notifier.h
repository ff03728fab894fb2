// Turns object changes into outbox entries: for each of the bucket's notification
// configurations that selects the change, the exact S3 event record AWS would deliver.
#pragma once
#include <string>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/s3/change_observer.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/notification_config.h"

namespace bf {

class S3Notifier final : public ChangeObserver {
 public:
  S3Notifier(const Clock& clock, std::string region, std::string account_id);

  // One entry per configuration of the bucket that selects the change; the callback is empty
  // when the bucket has no configuration.
  ChangeEvents events_for(const EventOrigin& origin, const BucketView& bucket,
                          const std::string& event_name) override;

 private:
  std::vector<OutboxEntry> entries_for(const EventOrigin& origin, const BucketRecord& bucket,
                                       const std::string& event_name,
                                       const NotificationConfig& config, const ObjectChange& change);

  const Clock& clock_;
  std::string region_;
  std::string account_id_;
};

}  // namespace bf
