// Put/GetBucketNotificationConfiguration. The document is kept as S3 returns it; events are
// built from it by the change observer (events/S3Notifier) on every write.
#include "emulator/s3/notification_config.h"
#include "emulator/s3/operation.h"
#include "emulator/s3/service.h"

namespace bf {

namespace {

S3Result put_notification(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto parsed = parse_notification_xml(body->text, ctx.functions);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  const auto& config = std::get<NotificationConfig>(parsed);
  // S3 notifies only functions in the bucket's own region.
  const std::string& region = req.view->record().region;
  for (const auto& n : config.functions)
    if (auto lives_in = ctx.functions ? ctx.functions(n.function_arn) : std::nullopt; lives_in && *lives_in != region)
      return s3_error("InvalidArgument",
                      "The notification destination service region is not valid for the bucket location constraint")
          .with("ArgumentName", n.function_arn)
          .with("ArgumentValue", n.function_arn);
  Status s = config.functions.empty() && !config.event_bridge
                 ? ctx.buckets.delete_bucket_config(req.bucket(), kNotificationConfigName)
                 : ctx.buckets.put_bucket_config(req.bucket(), kNotificationConfigName,
                                                 notification_to_xml(config));
  if (!s) return internal_error(s);
  return make_response(req);
}

S3Result get_notification(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const std::string* doc = req.view->state->config(kNotificationConfigName);
  return xml_response(req, doc ? *doc : notification_to_xml({}));
}

}  // namespace

void register_notification_operations(OperationTable& table) {
  table["PutBucketNotificationConfiguration"] = {BodyKind::Text, nullptr, put_notification};
  table["GetBucketNotificationConfiguration"] = {BodyKind::None, nullptr, get_notification};
}

ChangeEvents change_events(S3Context& ctx, const S3Request& req, const std::string& event_name) {
  if (!ctx.observer || !req.view) return {};
  return ctx.observer->events_for(event_origin(req.http, req.auth.principal), *req.view, event_name);
}

}  // namespace bf
