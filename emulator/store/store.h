// The Store seam: bytes (blobs) and rows (buckets, objects, uploads). Narrow and byte-level on
// purpose: S3 semantics (preconditions, ETags, which NotFound is NoSuchKey) live in s3/.
// It comes in parts by concern (buckets, objects, the outbox, control-plane documents), each
// its own interface, so a caller is handed only the part it uses; one Store owns them all.
#pragma once
#include <memory>
#include <string>

#include "emulator/base/status.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/document_store.h"
#include "emulator/store/job_tasks.h"
#include "emulator/store/log_store.h"
#include "emulator/store/object_store.h"
#include "emulator/store/outbox.h"
#include "emulator/store/timers.h"
#include "emulator/store/usage_store.h"

namespace bf {

class Store {
 public:
  virtual ~Store() = default;

  virtual BucketStore& buckets() = 0;
  virtual ObjectStore& objects() = 0;
  virtual Outbox& outbox() = 0;
  virtual DocumentStore& documents() = 0;
  virtual Timers& timers() = 0;
  virtual UsageStore& usage() = 0;
  virtual JobTasks& job_tasks() = 0;
  virtual LogStore& logs() = 0;
};

struct StoreOptions {
  std::string data_dir;  // ":memory:" keeps rows in memory and blobs in a private temp dir
  bool sync_blobs = true;  // fdatasync each blob before its row commits
};

Result<std::unique_ptr<Store>> open_sqlite_store(const StoreOptions& options);

}  // namespace bf
