// Objects, versions, uploads and parts on the shared SQLite connection, their bytes in
// BlobFiles. A write's events go to the outbox inside the write's own transaction.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/store/blob_files.h"
#include "emulator/store/blob_reaper.h"
#include "emulator/store/object_store.h"
#include "emulator/store/sqlite_db.h"
#include "emulator/store/sqlite_outbox.h"
#include "emulator/store/sqlite_timers.h"
#include "emulator/store/sqlite_usage.h"

namespace bf {

class SqliteObjects final : public ObjectStore {
 public:
  SqliteObjects(SqliteDb& db, SqliteOutbox& outbox, SqliteTimers& timers, SqliteUsage& usage, std::string root,
                bool sync);

  // Readies the blob folders and removes the blobs no row references. Only once the database
  // is open: it holds the data directory's exclusive lock before the blob folders are touched.
  Status open();

  Result<std::unique_ptr<BlobWriter>> create_blob() override;
  std::vector<StorageTotal> storage_totals() override;
  Status write_together(const std::function<void()>& writes) override;
  std::optional<ObjectRecord> find_object(const std::string& bucket,
                                          const std::string& key) override;
  std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_object(
      const std::string& bucket, const std::string& key) override;
  Status put_object(const ObjectRecord& record, std::unique_ptr<BlobWriter> blob,
                    const WriteCondition& condition, Versioning versioning,
                    const ChangeEvents& events) override;
  Status update_object(const ObjectRecord& record, const ChangeEvents& events,
                       const std::vector<Timer>& timers) override;
  Result<DeleteOutcome> delete_latest(const std::string& bucket, const std::string& key,
                                      Versioning versioning, const std::string& marker_version_id,
                                      std::int64_t now_ms, const ChangeEvents& events,
                                      const WriteCondition& condition) override;
  Result<DeleteOutcome> delete_version(const std::string& bucket, const std::string& key,
                                       const std::string& version_id, std::int64_t now_ms,
                                       const ChangeEvents& events) override;
  std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_version(
      const std::string& bucket, const std::string& key, const std::string& version_id) override;
  std::optional<ObjectRecord> find_latest(const std::string& bucket, const std::string& key) override;
  std::vector<ObjectRecord> list_versions(const std::string& bucket, const std::string& prefix,
                                          const std::string& after_key, std::int64_t after_seq,
                                          std::size_t limit) override;
  std::vector<ObjectRecord> list_objects(const std::string& bucket, const std::string& prefix,
                                         const ListStart& start, std::size_t limit) override;

  std::vector<ObjectRecord> list_modified_in(const std::string& bucket, const std::string& prefix,
                                             const TimeWindow& window, const TimeCursor& after,
                                             std::size_t limit) override;
  std::vector<ObjectRecord> list_noncurrent_in(const std::string& bucket, const std::string& prefix,
                                               const TimeWindow& window, const TimeCursor& after,
                                               std::size_t limit) override;
  std::vector<ObjectRecord> list_tiering_accessed_in(const std::string& bucket,
                                                     const TimeWindow& window,
                                                     const TimeCursor& after,
                                                     std::size_t limit) override;
  std::vector<ObjectRecord> list_tiering_versions_accessed_in(const std::string& bucket,
                                                              const TimeWindow& window,
                                                              const TimeCursor& after,
                                                              std::size_t limit) override;

  Status create_upload(const UploadRecord& u) override;
  std::optional<UploadRecord> find_upload(const std::string& upload_id) override;
  std::vector<UploadRecord> list_uploads(const std::string& bucket) override;
  Status put_part(const PartRecord& part, std::unique_ptr<BlobWriter> blob) override;
  std::vector<PartRecord> list_parts(const std::string& upload_id) override;
  Result<std::shared_ptr<OpenFile>> open_blob(const std::string& blob_id) override;
  Status complete_upload(const std::string& upload_id, const ObjectRecord& record,
                         std::unique_ptr<BlobWriter> blob, const WriteCondition& condition,
                         Versioning versioning, const ChangeEvents& events) override;
  Status abort_upload(const std::string& upload_id) override;

 private:
  // Runs inside a new object's transaction; adds the ids of blobs it lets go to `garbage`.
  using NewObjectTransaction = std::function<Status(std::vector<std::string>& garbage)>;
  Status write_new_object(const ObjectRecord& record, BlobWriter& blob,
                          const NewObjectTransaction& transaction);

  // Every *_locked member runs with the database's mutex held, most inside a transaction.
  Result<DeleteOutcome> delete_unversioned(const std::string& bucket, const std::string& key,
                                           const ChangeEvents& events,
                                           const WriteCondition& condition);
  Status commit_object_locked(const ObjectRecord& record, const std::optional<ObjectRecord>& current,
                              const WriteCondition& condition, Versioning versioning,
                              const ChangeEvents& events, std::vector<std::string>& garbage);
  Status record_change_locked(const ChangeEvents& events, const ObjectChange& change);
  std::optional<ObjectRecord> find_object_locked(const std::string& bucket, const std::string& key);
  Status upsert_object_locked(const ObjectRecord& r, std::int64_t seq);
  Status insert_version_locked(const ObjectRecord& r);
  // Rows of `table` ("objects" or "versions") by time column `column` in the window.
  std::vector<ObjectRecord> list_by_time(const char* sql, const std::string& bucket,
                                         const std::string& prefix, const TimeWindow& window,
                                         const TimeCursor& after, std::size_t limit, bool versions);
  Status delete_current_locked(const std::string& bucket, const std::string& key);
  Status drop_null_version_locked(const std::string& bucket, const std::string& key,
                                  std::vector<std::string>& garbage);
  Status replace_current_locked(const ObjectRecord& record, const std::optional<ObjectRecord>& current,
                                Versioning versioning, std::vector<std::string>& garbage);
  Status retire_current_locked(const std::string& bucket, const std::string& key,
                               const std::optional<ObjectRecord>& current, Versioning versioning,
                               std::int64_t now_ms, std::vector<std::string>& garbage);
  std::optional<ObjectRecord> newest_version_locked(const std::string& bucket, const std::string& key);
  Status promote_newest_locked(const std::string& bucket, const std::string& key);
  Status date_lone_marker_locked(const std::string& bucket, const std::string& key, std::int64_t now_ms);
  std::optional<UploadRecord> find_upload_locked(const std::string& upload_id);
  std::vector<PartRecord> list_parts_locked(const std::string& upload_id);
  Status delete_upload_locked(const std::string& upload_id);
  Status sweep_orphans();
  void release_blobs(std::vector<std::string> ids);
  std::optional<ObjectRecord> find_version_locked(const std::string& bucket, const std::string& key,
                                                  const std::string& version_id);
  static ObjectRecord part_as_stored(const UploadRecord& upload, const PartRecord& part);
  Status unbill_parts_locked(const UploadRecord& upload, const std::vector<PartRecord>& parts, bool aborted);

  SqliteDb& db_;
  SqliteOutbox& outbox_;
  SqliteTimers& timers_;
  SqliteUsage& usage_;
  BlobFiles blobs_;
  BlobReaper reaper_{blobs_};  // after blobs_: stops (and drains) before it goes
};

}  // namespace bf
