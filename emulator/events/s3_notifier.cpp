#include "emulator/events/s3_notifier.h"

#include <chrono>
#include <cstdio>

#include "emulator/base/time.h"
#include "emulator/lambda/arn.h"
#include "emulator/lambda/invocation_context.h"
#include "emulator/lambda/lineage.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/owner.h"
#include "sdk/s3_event.h"
#include "sdk/uuid.h"

namespace bf {

S3Notifier::S3Notifier(const Clock& clock, std::string region, std::string account_id)
    : clock_(clock), region_(std::move(region)), account_id_(std::move(account_id)) {}

ChangeEvents S3Notifier::events_for(const EventOrigin& origin, const BucketView& bucket,
                                    const std::string& event_name) {
  auto cfg = bucket.notifications;
  if (!cfg || cfg->functions.empty()) return {};
  return [this, origin, owner = bucket.state, event_name, cfg](const ObjectChange& change) {
    return entries_for(origin, owner->record, event_name, *cfg, change);
  };
}

std::vector<OutboxEntry> S3Notifier::entries_for(const EventOrigin& origin, const BucketRecord& bucket,
                                                 const std::string& event_name,
                                                 const NotificationConfig& config,
                                                 const ObjectChange& change) {
  std::string name = event_name;
  if (name == kRemovedEvent)
    name = change.removed ? "ObjectRemoved:Delete" : "ObjectRemoved:DeleteMarkerCreated";
  auto matches = matching_notifications(config, name, change.object.key);
  if (matches.empty()) return {};

  const std::int64_t now = clock_.now_ms();
  S3EventRecord r;
  r.aws_region = bucket.region.empty() ? region_ : bucket.region;  // the bucket's own region
  r.event_time = iso8601_ms(now);
  r.event_name = name;
  r.principal_id = origin.principal_id;
  r.source_ip = origin.source_ip;
  r.request_id = origin.request_id;
  r.host_id = origin.request_id;
  r.bucket_name = bucket.name;
  r.bucket_owner = canonical_user_id(bucket.owner);
  r.bucket_arn = bucket_arn(bucket.name);
  r.key = change.object.key;
  const bool has_bytes = name.starts_with("ObjectCreated:") || name.starts_with("ObjectTagging:") ||
                         name.starts_with("ObjectRestore:") || name == "LifecycleTransition" ||
                         name == "IntelligentTiering";
  // S3 marks the records of the changes its lifecycle and tiering make with version 2.3.
  if (name.starts_with("Lifecycle") || name == "IntelligentTiering" || name == "ObjectRestore:Delete")
    r.event_version = "2.3";
  if (has_bytes) {
    r.size = change.object.size;
    r.etag = change.object.etag;
  }
  if (name == "ObjectRestore:Completed") {
    const ObjectMeta meta = ObjectMeta::from_json(change.object.meta);
    if (meta.restore && meta.restore->expires_ms)
      r.restore_expiry_time = iso8601_ms(meta.restore->expires_ms);
    r.restore_storage_class = change.object.storage_class;
  }
  if (name == "LifecycleTransition") r.transition_storage_class = change.object.storage_class;
  if (name == "IntelligentTiering")
    r.destination_access_tier = ObjectMeta::from_json(change.object.meta).access_tier;
  if (change.object.version_id != "null" && !change.object.version_id.empty())
    r.version_id = change.object.version_id;
  char sequencer[32];
  std::snprintf(sequencer, sizeof sequencer, "%016llX",
                static_cast<unsigned long long>(change.sequencer));
  r.sequencer = sequencer;

  const std::string lineage = Lineage::from_trace_header(origin.trace_header).field();
  std::vector<OutboxEntry> out;
  for (const auto* n : matches) {
    r.configuration_id = n->id;
    OutboxEntry e;
    const auto ref = parse_function_ref(n->function_arn);
    e.function = ref ? ref->name : "";
    e.payload = to_text(S3Event{{r}}.to_json());
    InvocationContext context;
    context.request_id = new_uuid();
    context.trigger = "s3:" + name;
    context.source = r.bucket_arn + "/" + change.object.key;
    context.lineage = lineage;
    context.enqueued_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    context.trace = origin.trace_header;  // the invocation continues the write's trace
    e.context = context.to_json();
    e.created_ms = now;
    e.due_ms = now;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace bf
