// The seam where events hang off S3: s3/ tells an observer about each object change it makes,
// inside the store transaction that makes it, and the observer answers with the outbox entries
// (events/S3Notifier builds the S3 event records). S3 knows nothing of what listens.
#pragma once
#include <string>

#include "emulator/auth/credentials.h"
#include "emulator/http/message.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/store/object_store.h"

namespace bf {

// Who caused a change, as the event reports it.
struct EventOrigin {
  std::string request_id;
  std::string source_ip;
  std::string principal_id;  // "AWS:<access key>"
  std::string trace_header;  // the request's trace: Root, Parent (its S3 segment) and the lineage
};

EventOrigin event_origin(const HttpRequest& request, const Credentials* principal);

class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;

  // For deletes: the change itself tells ObjectRemoved:Delete from DeleteMarkerCreated.
  static constexpr const char* kRemovedEvent = "ObjectRemoved:*";

  // The callback a store write runs inside its transaction for a change to `bucket` named
  // `event_name` ("ObjectCreated:Put", or kRemovedEvent). Empty when nothing listens.
  virtual ChangeEvents events_for(const EventOrigin& origin, const BucketView& bucket,
                                  const std::string& event_name) = 0;
};

}  // namespace bf
