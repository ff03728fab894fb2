// The Store seam: bytes (blobs) and rows (buckets, objects, uploads). Narrow and byte-level on
// purpose: S3 semantics (preconditions, ETags, which NotFound is NoSuchKey) live in s3/.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/open_file.h"
#include "emulator/base/status.h"

namespace bf {

struct BucketRecord {
  std::string name;
  std::string region;
  std::int64_t created_ms = 0;
  std::string owner;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  std::string blob_id;
  std::uint64_t size = 0;
  std::string etag;  // unquoted: hex MD5, or hex MD5 of part MD5s + "-N"
  std::int64_t last_modified_ms = 0;
  std::string storage_class;
  std::string meta;  // JSON owned by the S3 layer (headers, user metadata, tags, checksums)
  std::string version_id = "null";  // "null" unless written while versioning was enabled
  bool delete_marker = false;
  std::int64_t seq = 0;  // store-wide write order; orders a key's versions, newest first
};

// Where a listing starts: keys after `key`, or from `key` on when `inclusive`.
struct ListStart {
  std::string key;
  bool inclusive = false;
};

// A bucket's versioning state decides what an overwrite or delete keeps.
enum class Versioning { Unversioned, Enabled, Suspended };

struct DeleteOutcome {
  bool found = false;           // something was removed or a marker was added
  bool delete_marker = false;   // the request created, or removed, a delete marker
  std::string version_id;       // of the marker created, or the version removed
};

struct UploadRecord {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::int64_t initiated_ms = 0;
  std::string storage_class;
  std::string meta;  // JSON: the object metadata to apply on completion
};

struct PartRecord {
  std::string upload_id;
  int part_number = 0;
  std::string blob_id;
  std::uint64_t size = 0;
  std::string etag;  // unquoted hex MD5
  std::int64_t last_modified_ms = 0;
  std::string checksums;  // JSON {"CRC32": "base64", ...}
};

// A new blob being written. Bytes go to a temp file; commit() (called by the store) makes
// them durable and moves them into place. Dropping an uncommitted writer removes the temp.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual const std::string& id() const = 0;
  virtual Status write(std::string_view bytes) = 0;
  // Appends `length` bytes of `source` starting at `offset` without passing them through
  // user space where the kernel allows it.
  virtual Status append_from(int source_fd, std::uint64_t offset, std::uint64_t length) = 0;
  virtual std::uint64_t size() const = 0;
};

// Runs inside the store's transaction with the row that is about to be replaced (if any);
// a non-ok status aborts the write with that status.
using WriteCondition = std::function<Status(const std::optional<ObjectRecord>& current)>;

// What a write did to a key, as seen inside its transaction.
struct ObjectChange {
  ObjectRecord object;  // the object written, the delete marker added, or the version removed
  bool removed = false;           // a key or version was deleted (no marker)
  std::int64_t sequencer = 0;     // store-wide order of this change; grows per key
};

// A pending function invocation in the durable outbox. It stays until the invoker has
// finished with it (delivered, or given up and handed to a destination).
struct OutboxEntry {
  std::int64_t id = 0;
  std::string function;
  std::string payload;  // the event JSON
  std::string context;  // JSON owned by the invoker (trigger, lineage, first request id, ...)
  std::int64_t created_ms = 0;
  std::int64_t due_ms = 0;
  int attempts = 0;
};

// Runs inside the write's transaction; the entries it returns commit with the change, so an
// acknowledged write always has its events.
using ChangeEvents = std::function<std::vector<OutboxEntry>(const ObjectChange& change)>;

class Store {
 public:
  virtual ~Store() = default;

  virtual Status create_bucket(const BucketRecord& bucket) = 0;  // AlreadyExists
  virtual std::optional<BucketRecord> find_bucket(const std::string& name) = 0;
  virtual std::vector<BucketRecord> list_buckets() = 0;
  virtual Status delete_bucket(const std::string& name) = 0;  // NotFound, NotEmpty

  // Bucket sub-resource documents (CORS, ...), stored as the S3 layer serialises them.
  virtual Status put_bucket_config(const std::string& bucket, const std::string& name,
                                   const std::string& document) = 0;
  virtual std::optional<std::string> get_bucket_config(const std::string& bucket,
                                                       const std::string& name) = 0;
  virtual Status delete_bucket_config(const std::string& bucket, const std::string& name) = 0;

  // Control-plane documents (a function's configuration, ...) by kind and name. Each call is
  // committed before it returns, so an acknowledged change survives a crash like an object.
  virtual Status put_document(const std::string& kind, const std::string& name,
                              const std::string& document) = 0;
  virtual Status delete_document(const std::string& kind, const std::string& name) = 0;
  // (name, document) pairs of one kind, by name.
  virtual std::vector<std::pair<std::string, std::string>> list_documents(const std::string& kind) = 0;

  virtual Result<std::unique_ptr<BlobWriter>> create_blob() = 0;

  virtual std::optional<ObjectRecord> find_object(const std::string& bucket,
                                                  const std::string& key) = 0;
  // The row and its bytes, read together so a concurrent overwrite cannot remove the blob
  // between the two.
  virtual std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_object(
      const std::string& bucket, const std::string& key) = 0;
  // Makes the blob durable, then makes `record` the key's current object in one
  // transaction. The object it replaces is kept as a noncurrent version (Enabled, or a
  // non-null version while Suspended) or removed with its blob. `record.blob_id` must be the
  // writer's id; `record.version_id` is the caller's.
  virtual Status put_object(const ObjectRecord& record, std::unique_ptr<BlobWriter> blob,
                            const WriteCondition& condition = {},
                            Versioning versioning = Versioning::Unversioned,
                            const ChangeEvents& events = {}) = 0;
  // Changes only the metadata columns of an existing row (same bytes).
  virtual Status update_object(const ObjectRecord& record, const ChangeEvents& events = {}) = 0;
  // Unversioned: removes the key (NotFound if absent). Enabled/Suspended: adds a delete marker
  // with `marker_version_id` ("null" when Suspended), keeping or removing the current object
  // as put_object would.
  virtual Result<DeleteOutcome> delete_latest(const std::string& bucket, const std::string& key,
                                              Versioning versioning,
                                              const std::string& marker_version_id,
                                              std::int64_t now_ms,
                                              const ChangeEvents& events = {}) = 0;
  // Removes one version for good; the newest remaining object version becomes current.
  virtual Result<DeleteOutcome> delete_version(const std::string& bucket, const std::string& key,
                                               const std::string& version_id,
                                               const ChangeEvents& events = {}) = 0;
  // One version (current or not, object or delete marker), with its bytes when it has them.
  virtual std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_version(
      const std::string& bucket, const std::string& key, const std::string& version_id) = 0;
  // The key's newest version even if it is a delete marker.
  virtual std::optional<ObjectRecord> find_latest(const std::string& bucket,
                                                  const std::string& key) = 0;
  // Every version and delete marker, by key then newest first, starting after
  // (after_key, after_seq): keys > after_key, or == after_key with seq < after_seq.
  virtual std::vector<ObjectRecord> list_versions(const std::string& bucket,
                                                  const std::string& prefix,
                                                  const std::string& after_key,
                                                  std::int64_t after_seq, std::size_t limit) = 0;
  // Keys from `start` (byte order) starting with `prefix`, at most `limit`.
  virtual std::vector<ObjectRecord> list_objects(const std::string& bucket,
                                                 const std::string& prefix,
                                                 const ListStart& start, std::size_t limit) = 0;

  virtual Status create_upload(const UploadRecord& upload) = 0;
  virtual std::optional<UploadRecord> find_upload(const std::string& upload_id) = 0;
  virtual std::vector<UploadRecord> list_uploads(const std::string& bucket) = 0;
  virtual Status put_part(const PartRecord& part, std::unique_ptr<BlobWriter> blob) = 0;
  virtual std::vector<PartRecord> list_parts(const std::string& upload_id) = 0;
  virtual Result<std::shared_ptr<OpenFile>> open_blob(const std::string& blob_id) = 0;
  // Commits the assembled object and removes the upload and its parts in one transaction.
  virtual Status complete_upload(const std::string& upload_id, const ObjectRecord& record,
                                 std::unique_ptr<BlobWriter> blob,
                                 const WriteCondition& condition = {},
                                 Versioning versioning = Versioning::Unversioned,
                                 const ChangeEvents& events = {}) = 0;
  virtual Status abort_upload(const std::string& upload_id) = 0;

  // The event outbox. enqueue() adds entries outside any object write (Invoke with
  // InvocationType=Event, destinations); due_events() returns entries due by `now_ms`, oldest
  // first, skipping ids in `skip`; finish_event() removes one and adds its follow-ups in one
  // transaction.
  virtual Status enqueue(const std::vector<OutboxEntry>& entries) = 0;
  virtual std::vector<OutboxEntry> due_events(std::int64_t now_ms, std::size_t limit,
                                              const std::vector<std::int64_t>& skip) = 0;
  // The earliest due time later than `after_ms`.
  virtual std::optional<std::int64_t> next_due_ms(std::int64_t after_ms) = 0;
  virtual Status reschedule_event(const OutboxEntry& entry) = 0;  // attempts, due_ms, context
  virtual Status finish_event(std::int64_t id, const std::vector<OutboxEntry>& follow_ups) = 0;
  virtual Status finish_events(const std::vector<std::int64_t>& ids) = 0;  // one transaction
  virtual std::size_t pending_event_count() = 0;
  // Called after a commit that added outbox entries (from any thread, without store locks).
  virtual void on_enqueue(std::function<void()> listener) = 0;
};

struct StoreOptions {
  std::string data_dir;  // ":memory:" keeps rows in memory and blobs in a private temp dir
  bool sync_blobs = true;  // fdatasync each blob before its row commits
};

Result<std::unique_ptr<Store>> open_sqlite_store(const StoreOptions& options);

}  // namespace bf
