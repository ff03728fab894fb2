// RestoreObject: a temporary readable copy of an archived object (GLACIER, DEEP_ARCHIVE), or an
// Intelligent-Tiering object moved back from its archive tier. The restore's state lives in
// the object's metadata as times on the server's clock, so HEAD and GET read it at once, and
// the clock (virtual or real) decides when it completes and lapses.
#include <pugixml.hpp>

#include <algorithm>

#include "emulator/s3/restore.h"
#include "emulator/s3/usage_billing.h"

#include <nlohmann/json.hpp>

#include "emulator/s3/object_common.h"
#include "emulator/s3/service.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {

std::string to_timer_subject(const ObjectRef& ref) {
  return to_text(nlohmann::json{
      {"bucket", ref.bucket}, {"key", ref.key}, {"version", ref.version_id}, {"blob", ref.blob_id}});
}

std::optional<ObjectRef> parse_timer_subject(const std::string& subject) {
  auto j = nlohmann::json::parse(subject, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  ObjectRef ref{j.value("bucket", ""), j.value("key", ""), j.value("version", ""), j.value("blob", "")};
  if (ref.bucket.empty() || ref.blob_id.empty()) return std::nullopt;
  return ref;
}

std::vector<Timer> restore_timers(const ObjectRecord& object, const RestoreState& restore,
                                  bool completed) {
  const std::string subject =
      to_timer_subject({object.bucket, object.key, object.version_id, object.blob_id});
  std::vector<Timer> out;
  if (!completed) out.push_back(Timer{0, restore.completes_ms, kRestoreCompletedTimer, subject});
  if (restore.expires_ms) out.push_back(Timer{0, restore.expires_ms, kRestoreLapsedTimer, subject});
  return out;
}

namespace {

constexpr int kMaxRestoreDays = 2147483647;

struct RestoreRequest {
  std::optional<int> days;
  std::string tier = "Standard";
};

std::variant<RestoreRequest, S3Error> parse_restore_request(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("RestoreRequest");
  if (!root) return s3_error("MalformedXML");
  RestoreRequest out;
  if (root.child("Type") || root.child("SelectParameters") || root.child("OutputLocation"))
    return s3_error("NotImplemented", "Restores with Select or an output location are not "
                                      "implemented by bucketfire.");
  if (auto days = root.child("Days")) {
    auto parsed = parse_decimal(days.child_value(), kMaxRestoreDays);
    if (!parsed || *parsed < 1)
      return s3_error("InvalidArgument", "The restore duration must be a positive number of days.")
          .with("ArgumentName", "Days")
          .with("ArgumentValue", days.child_value());
    out.days = static_cast<int>(*parsed);
  }
  // The tier is given in GlacierJobParameters (the usual form) or directly.
  std::string tier = root.child("GlacierJobParameters").child_value("Tier");
  if (tier.empty()) tier = root.child_value("Tier");
  if (!tier.empty()) {
    if (tier != "Expedited" && tier != "Standard" && tier != "Bulk") return s3_error("MalformedXML");
    out.tier = tier;
  }
  return out;
}

// Retrieval tiers from fastest to slowest.
int tier_rank(const std::string& tier) { return tier == "Expedited" ? 0 : tier == "Standard" ? 1 : 2; }

S3Result restore_object(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto parsed = parse_restore_request(body->text);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  const RestoreRequest& request = std::get<RestoreRequest>(parsed);

  std::optional<ObjectRecord> object;
  const std::string* version = req.endpoint.query_param("versionId");
  if (version) {
    auto opened = ctx.objects.open_version(req.bucket(), req.key(), *version);
    if (!opened || opened->first.delete_marker)
      return s3_error("NoSuchVersion").with("Key", req.key()).with("VersionId", *version);
    object = std::move(opened->first);
  } else {
    object = ctx.objects.find_object(req.bucket(), req.key());
    if (!object) return no_such_key(req.key());
  }
  ObjectMeta meta = ObjectMeta::from_json(object->meta);
  if (!is_archived(object->storage_class, meta.access_tier))
    return s3_error("InvalidObjectState", "Restore is not allowed for the object's current storage class")
        .with("StorageClass", object->storage_class);

  // Intelligent-Tiering restores move the object back to Frequent Access and take no Days;
  // the archive classes keep a temporary copy for Days, which they must name.
  const bool tiering = object->storage_class == "INTELLIGENT_TIERING";
  if (tiering && request.days)
    return s3_error("InvalidArgument", "Days must not be specified for an object in an "
                                       "Intelligent-Tiering archive tier.")
        .with("ArgumentName", "Days");
  if (!tiering && !request.days) return s3_error("MalformedXML");

  auto duration = restore_duration_ms(object->storage_class, meta.access_tier, request.tier);
  if (!duration)
    return s3_error("InvalidArgument", "Expedited retrievals are not available for the " +
                                           object->storage_class + " storage class.")
        .with("ArgumentName", "Tier")
        .with("ArgumentValue", request.tier);

  const std::int64_t now = ctx.clock.now_ms();
  int status = 202;
  const char* event = "ObjectRestore:Post";
  const bool extend = meta.restore && meta.restore->readable(now) && !tiering;
  if (meta.restore && meta.restore->ongoing(now)) {
    // S3's restore speed upgrade: the same request with a faster tier overrides the running
    // one (it finishes by the faster tier's time, or as planned if that is sooner). A slower
    // or equal tier, or other Days, is refused while it runs. The timers set for the old times
    // find different ones and do nothing.
    if (tier_rank(request.tier) >= tier_rank(meta.restore->tier) ||
        (!tiering && *request.days != meta.restore->days))
      return s3_error("RestoreAlreadyInProgress");
    meta.restore->tier = request.tier;
    meta.restore->completes_ms = std::min(meta.restore->completes_ms, now + *duration);
    if (!tiering) meta.restore->expires_ms = restore_expiry_ms(meta.restore->completes_ms, meta.restore->days);
    event = nullptr;
  } else if (extend) {
    // A finished restore whose copy is still there: the copy's life is extended from now
    // (the timer set for the old expiry finds a different time and does nothing).
    meta.restore->days = *request.days;
    meta.restore->expires_ms = restore_expiry_ms(now, *request.days);
    status = 200;
    event = nullptr;
  } else {
    RestoreState restore;
    restore.tier = request.tier;
    restore.days = request.days.value_or(0);
    restore.requested_ms = now;
    restore.completes_ms = now + *duration;
    restore.expires_ms = tiering ? 0 : restore_expiry_ms(restore.completes_ms, restore.days);
    meta.restore = restore;
  }
  object->meta = meta.to_json();
  Status s = ctx.objects.update_object(*object, event ? change_events(ctx, req, event) : ChangeEvents{},
                                       restore_timers(*object, *meta.restore, extend));
  if (s.is_conflict() || s.is_not_found()) return no_such_key(req.key());  // changed meanwhile
  if (!s) return internal_error(s);
  // A restore started, or sped up (billed as a restore at the faster tier); extending a
  // restored copy's life bills as an ordinary request.
  if (ctx.meter) {
    if (extend)
      meter_request(*ctx.meter, "PostObject", req.bucket(), "STANDARD", 0);
    else
      meter_restore(*ctx.meter, req.bucket(), object->storage_class, request.tier, object->size);
  }
  return make_response(req, status);
}

}  // namespace

void register_restore_operation(OperationTable& table) {
  table["RestoreObject"] = {BodyKind::Text, nullptr, restore_object};
}

}  // namespace bf
