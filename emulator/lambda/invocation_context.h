// What an outbox entry carries beside its event: where the invocation came from and how far
// it has got. Kept as JSON in the outbox row (these keys are on disk in existing data
// directories); read and written only here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bf {

// A function's record that is to be written to an S3 destination bucket; only the write is
// left to do (and retried) when this is set.
struct PendingBucketWrite {
  std::string bucket;
  std::string function;  // whose record it is (names the object key)
  std::string record;    // the destination record JSON
  std::string lineage;   // carried to the write, which may fire further events
  int attempts = 0;      // writes tried so far
};

struct InvocationContext {
  std::string request_id;          // the same for every attempt, as on AWS
  std::string trigger = "invoke";  // "s3:ObjectCreated:Put", "invoke:Event", "destination:OnFailure", ...
  std::string source;              // the object or function ARN that caused it
  std::string lineage;             // Lineage::field(): the chain of invocations so far
  std::int64_t enqueued_us = 0;    // when the event was queued (epoch microseconds), 0 if unknown
  int throttles = 0;               // times the invocation was throttled and put back
  std::optional<PendingBucketWrite> destination;
  std::string trace{};  // the trace header of what caused it (Root, Parent), "" when none

  std::string to_json() const;
  // Missing or mistyped members keep their defaults; text that is not a JSON object gives the
  // defaults (an entry is never dropped for its context).
  static InvocationContext from_json(std::string_view text);
};

}  // namespace bf
