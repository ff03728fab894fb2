// The S3 event notification as Lambda delivers it ({"Records": [...]}), parsed and written
// with AWS's field names and order. The emulator builds records with it; handlers parse them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdk/json.h"

namespace bf {

struct S3EventRecord {
  std::string event_version = "2.1";
  std::string event_source = "aws:s3";
  std::string aws_region = "us-east-1";
  std::string event_time;  // "2025-06-01T12:00:00.123Z"
  std::string event_name;  // "ObjectCreated:Put", without the "s3:" prefix
  std::string principal_id;
  std::string source_ip;
  std::string request_id;
  std::string host_id;
  std::string configuration_id;
  std::string bucket_name;
  std::string bucket_owner;
  std::string bucket_arn;
  std::string key;  // decoded; written form-URL-encoded as AWS does
  std::optional<std::uint64_t> size;  // absent on deletes
  std::string etag;                   // unquoted; absent when empty
  std::string version_id;             // absent when empty (unversioned buckets)
  std::string sequencer;
  // ObjectRestore:Completed: glacierEventData.restoreEventData, when the restored copy lapses
  // ("2025-06-01T00:00:00.000Z") and the class it was restored from.
  std::string restore_expiry_time;
  std::string restore_storage_class;
  // LifecycleTransition: lifecycleEventData.transitionEventData.destinationStorageClass.
  std::string transition_storage_class;
  // IntelligentTiering: intelligentTieringEventData.destinationAccessTier.
  std::string destination_access_tier;

  Json to_json() const;
  // Throws std::invalid_argument naming the missing or mistyped field.
  static S3EventRecord from_json(const Json& record);
};

struct S3Event {
  std::vector<S3EventRecord> records;

  Json to_json() const;
  // Accepts any object with a "Records" array; throws std::invalid_argument otherwise.
  static S3Event from_json(const Json& event);
  // True for {"Records": [...]} whose records come from aws:s3.
  static bool matches(const Json& event);
};

// S3's event key encoding: form-URL-encoding (space as '+', other bytes outside
// [A-Za-z0-9._*-] as %XX) with '/' kept literal.
std::string encode_event_key(std::string_view key);
// The inverse: '+' to space first, then percent-decoding.
std::string decode_event_key(std::string_view encoded);

}  // namespace bf
