// Objects and their bytes: current objects, noncurrent versions and delete markers, multipart
// uploads and their parts. A write can add outbox entries in its own transaction.
#pragma once
#include <climits>
#include <cstddef>
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
#include "emulator/store/outbox.h"
#include "emulator/store/timers.h"

namespace bf {

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
  // Last read of the bytes (GET, COPY), for Intelligent-Tiering; 0 on a new record means
  // "when it was written".
  std::int64_t last_access_ms = 0;
  // When a version stopped being current (a delete marker: when it was made); 0 while current.
  std::int64_t noncurrent_ms = 0;
};

// A span of time [from_ms, to_ms) on one of the store's time columns, and where a page of a
// listing by that time starts: after (ms, key, seq).
struct TimeWindow {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};
struct TimeCursor {
  std::int64_t ms = INT64_MIN;
  std::string key;
  std::int64_t seq = 0;
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

// Runs inside the write's transaction; the entries it returns commit with the change, so an
// acknowledged write always has its events.
using ChangeEvents = std::function<std::vector<OutboxEntry>(const ObjectChange& change)>;

// What a bucket holds in one storage class: its object versions (delete markers aside) and bytes.
struct StorageTotal {
  std::string bucket;
  std::string storage_class;
  std::uint64_t versions = 0;
  std::uint64_t bytes = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<std::unique_ptr<BlobWriter>> create_blob() = 0;
  // Every stored version, current and noncurrent, totalled per bucket and storage class (a
  // scan of the object tables: for occasional readers such as GET /metrics).
  virtual std::vector<StorageTotal> storage_totals() = 0;

  // Runs `writes` (calls to this store from this thread) as one transaction: each write still
  // succeeds or fails alone, but they commit together, so many small changes (a lifecycle
  // run's) cost one commit. Every other caller waits until it ends: keep the group short.
  // An error means the commit failed and none of the group's writes happened.
  virtual Status write_together(const std::function<void()>& writes) = 0;

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
  // Changes only the metadata columns (and the last access) of an existing version, current or
  // noncurrent, found by its bytes (same blob); Conflict when it has been replaced or removed
  // meanwhile.
  // `timers` are added in the same transaction.
  virtual Status update_object(const ObjectRecord& record, const ChangeEvents& events = {},
                               const std::vector<Timer>& timers = {}) = 0;
  // Unversioned: removes the key (NotFound if absent). Enabled/Suspended: adds a delete marker
  // with `marker_version_id` ("null" when Suspended), keeping or removing the current object
  // as put_object would.
  // `condition` sees the current object first, as put_object's does.
  virtual Result<DeleteOutcome> delete_latest(const std::string& bucket, const std::string& key,
                                              Versioning versioning,
                                              const std::string& marker_version_id,
                                              std::int64_t now_ms,
                                              const ChangeEvents& events = {},
                                              const WriteCondition& condition = {}) = 0;
  // Removes one version for good; the newest remaining object version becomes current. When
  // only a delete marker is left of the key, it counts as noncurrent from `now_ms` (a lone
  // marker, which lifecycle's ExpiredObjectDeleteMarker removes at the next midnight run).
  virtual Result<DeleteOutcome> delete_version(const std::string& bucket, const std::string& key,
                                               const std::string& version_id, std::int64_t now_ms,
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

  // What the lifecycle runs read, each in time order then key, `prefix` applied: current
  // objects last modified in the window; versions and delete markers that stopped being
  // current in it; current Intelligent-Tiering objects last accessed in it.
  virtual std::vector<ObjectRecord> list_modified_in(const std::string& bucket,
                                                     const std::string& prefix,
                                                     const TimeWindow& window,
                                                     const TimeCursor& after, std::size_t limit) = 0;
  virtual std::vector<ObjectRecord> list_noncurrent_in(const std::string& bucket,
                                                       const std::string& prefix,
                                                       const TimeWindow& window,
                                                       const TimeCursor& after, std::size_t limit) = 0;
  virtual std::vector<ObjectRecord> list_tiering_accessed_in(const std::string& bucket,
                                                             const TimeWindow& window,
                                                             const TimeCursor& after,
                                                             std::size_t limit) = 0;
  // Noncurrent Intelligent-Tiering versions last accessed in the window, by time, key, seq.
  virtual std::vector<ObjectRecord> list_tiering_versions_accessed_in(const std::string& bucket,
                                                                      const TimeWindow& window,
                                                                      const TimeCursor& after,
                                                                      std::size_t limit) = 0;

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
};

}  // namespace bf
