// The Store on SQLite (WAL) for rows and BlobFiles for bytes: one connection that every part
// shares, so a write's row and its outbox entries commit in one transaction.
#include <stdlib.h>

#include <filesystem>

#include "emulator/store/sqlite_buckets.h"
#include "emulator/store/sqlite_db.h"
#include "emulator/store/sqlite_documents.h"
#include "emulator/store/sqlite_job_tasks.h"
#include "emulator/store/sqlite_logs.h"
#include "emulator/store/sqlite_objects.h"
#include "emulator/store/sqlite_outbox.h"
#include "emulator/store/sqlite_timers.h"
#include "emulator/store/sqlite_usage.h"
#include "emulator/store/store.h"

namespace bf {

namespace {

// A memory store's private blob directory, removed when the store goes (after the parts
// declared below it have closed).
class MemoryRoot {
 public:
  explicit MemoryRoot(std::string path) : path_(std::move(path)) {}
  ~MemoryRoot() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  MemoryRoot(const MemoryRoot&) = delete;
  MemoryRoot& operator=(const MemoryRoot&) = delete;

 private:
  std::string path_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& root, bool memory, bool sync)
      : memory_root_(memory ? root : ""),
        path_(memory ? ":memory:" : root + "/meta.db"),
        objects_(db_, outbox_, timers_, usage_, root, sync) {}

  Status open() {
    if (auto s = db_.open(path_); !s) return s;
    buckets_.load();
    // Only now, holding the database's exclusive lock, touch the blob folders.
    return objects_.open();
  }

  BucketStore& buckets() override { return buckets_; }
  ObjectStore& objects() override { return objects_; }
  Outbox& outbox() override { return outbox_; }
  DocumentStore& documents() override { return documents_; }
  Timers& timers() override { return timers_; }
  UsageStore& usage() override { return usage_; }
  JobTasks& job_tasks() override { return job_tasks_; }
  LogStore& logs() override { return logs_; }

 private:
  MemoryRoot memory_root_;
  std::string path_;
  SqliteDb db_;
  SqliteOutbox outbox_{db_};
  SqliteTimers timers_{db_};
  SqliteBuckets buckets_{db_};
  SqliteDocuments documents_{db_};
  SqliteUsage usage_{db_};
  SqliteJobTasks job_tasks_{db_};
  SqliteLogs logs_{db_};
  SqliteObjects objects_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const StoreOptions& options) {
  bool memory = options.data_dir == ":memory:";
  std::string root = options.data_dir;
  if (memory) {
    // Blobs of a memory store live in RAM-backed /dev/shm where available, and go with it.
    std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string templ = base + "/bucketfire-XXXXXX";
    if (!::mkdtemp(templ.data())) return Status::io_error("cannot create a temp directory");
    root = templ;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return Status::io_error("create " + root + ": " + ec.message());
    root = std::filesystem::absolute(root).string();
  }
  auto store = std::make_unique<SqliteStore>(root, memory, options.sync_blobs && !memory);
  if (auto s = store->open(); !s) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bf
