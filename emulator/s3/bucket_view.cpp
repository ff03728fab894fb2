#include "emulator/s3/bucket_view.h"

#include "emulator/s3/acl.h"
#include "emulator/s3/bucket_encryption.h"
#include "emulator/s3/bucket_policy.h"
#include "emulator/s3/cors.h"
#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/tiering_config.h"
#include "emulator/s3/versioning.h"

namespace bf {

namespace {

std::shared_ptr<const BucketView> make_view(std::shared_ptr<const BucketState> state) {
  auto view = std::make_shared<BucketView>();
  view->versioning = versioning_from_status(state->config(kVersioningConfigName));
  if (const std::string* doc = state->config(kCorsConfigName)) view->cors = cors_from_document(*doc);
  if (const std::string* doc = state->config(kNotificationConfigName)) {
    // Stored only after validation, so it parses; a document that somehow does not
    // configures nothing rather than failing the bucket's requests.
    auto parsed = parse_notification_xml(*doc, nullptr);
    view->notifications = std::holds_alternative<NotificationConfig>(parsed)
                              ? std::make_shared<const NotificationConfig>(
                                    std::move(std::get<NotificationConfig>(parsed)))
                              : std::make_shared<const NotificationConfig>();
  }
  if (const std::string* doc = state->config(kLifecycleConfigName))
    view->lifecycle = lifecycle_from_document(*doc);
  if (const std::string* doc = state->config(kTieringConfigName))
    view->tiering = std::make_shared<const std::vector<TieringConfig>>(tiering_configs_from_document(*doc));
  if (const std::string* doc = state->config(kEncryptionConfigName))
    view->default_encryption = encryption_from_document(*doc);
  if (const std::string* doc = state->config(kPublicAccessBlockConfigName))
    view->public_access_block = public_access_block_from_document(*doc);
  if (const std::string* doc = state->config(kOwnershipConfigName)) view->ownership = *doc;
  if (const std::string* doc = state->config(kPolicyConfigName)) {
    // Stored only after validation; one that somehow no longer parses grants nothing.
    auto parsed = parse_bucket_policy(*doc, state->record.name);
    view->policy = std::make_shared<const BucketPolicy>(
        std::holds_alternative<BucketPolicy>(parsed) ? std::get<BucketPolicy>(std::move(parsed)) : BucketPolicy{*doc, {}});
  }
  if (const std::string* doc = state->config(kAclConfigName)) view->acl = grants_from_document(*doc);
  view->state = std::move(state);
  return view;
}

}  // namespace

std::shared_ptr<const BucketView> BucketViews::find(const std::string& name) {
  auto state = buckets_.bucket_state(name);
  std::lock_guard lock(mu_);
  auto it = views_.find(name);
  if (!state) {
    if (it != views_.end()) views_.erase(it);
    return nullptr;
  }
  if (it != views_.end() && it->second->state == state) return it->second;
  auto view = make_view(std::move(state));
  views_[name] = view;
  return view;
}

}  // namespace bf
