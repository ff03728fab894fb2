// One bucket as a request sees it: read from the store once when the request starts, with its
// configurations (versioning, CORS, notifications, lifecycle, tiering) parsed once per change of the bucket and
// shared by every request until the next change.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/s3/notification_config.h"
#include "emulator/s3/public_access.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"

namespace bf {

struct BucketPolicy;
struct CorsConfig;
struct Encryption;
struct LifecycleConfig;
struct TieringConfig;

struct BucketView {
  std::shared_ptr<const BucketState> state;
  Versioning versioning = Versioning::Unversioned;
  std::shared_ptr<const CorsConfig> cors;                   // null: CORS is not configured
  std::shared_ptr<const NotificationConfig> notifications;  // null: nothing configured
  std::shared_ptr<const LifecycleConfig> lifecycle;         // null: no lifecycle rules
  std::shared_ptr<const std::vector<TieringConfig>> tiering;  // null: no archive tiers opted in
  std::shared_ptr<const Encryption> default_encryption;        // null: SSE-S3
  std::optional<PublicAccessBlock> public_access_block;        // nullopt: none configured
  std::string ownership;                                        // empty: none configured
  std::shared_ptr<const BucketPolicy> policy;                   // null: no bucket policy
  std::vector<std::pair<std::string, std::string>> acl;        // grants besides the owner's

  const BucketRecord& record() const { return state->record; }
  const std::string& name() const { return state->record.name; }
};

// Views by bucket name, rebuilt when the store hands out a changed BucketState.
class BucketViews {
 public:
  explicit BucketViews(BucketStore& buckets) : buckets_(buckets) {}

  // Null when there is no such bucket.
  std::shared_ptr<const BucketView> find(const std::string& name);

 private:
  BucketStore& buckets_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const BucketView>, std::less<>> views_;
};

}  // namespace bf
