// Objects on SQLite rows and BlobFiles bytes. A write makes its blob durable and moves it into
// place first, then commits the row; a crash in between leaves an orphan blob that the next
// start-up sweeps, never a row without its bytes.
#include "emulator/store/sqlite_objects.h"

#include <malloc.h>

#include <set>

namespace bf {

namespace {

constexpr const char* kObjectColumns =
    "bucket, key, blob_id, size, etag, last_modified_ms, storage_class, meta, version_id, seq, "
    "last_access_ms";
// The same first columns, then the version's own (a current object lists as 0, 0).
constexpr const char* kVersionColumns =
    "bucket, key, blob_id, size, etag, last_modified_ms, storage_class, meta, version_id, seq, "
    "last_access_ms, delete_marker, noncurrent_ms";
constexpr const char* kUploadColumns = "upload_id, bucket, key, initiated_ms, storage_class, meta";

ObjectRecord read_object(const Statement& s) {
  ObjectRecord r;
  r.bucket = s.text(0);
  r.key = s.text(1);
  r.blob_id = s.text(2);
  r.size = static_cast<std::uint64_t>(s.integer(3));
  r.etag = s.text(4);
  r.last_modified_ms = s.integer(5);
  r.storage_class = s.text(6);
  r.meta = s.text(7);
  r.version_id = s.text(8);
  r.seq = s.integer(9);
  r.last_access_ms = s.integer(10);
  return r;
}

ObjectRecord read_version(const Statement& s) {
  ObjectRecord r = read_object(s);
  r.delete_marker = s.integer(11) != 0;
  r.noncurrent_ms = s.integer(12);
  return r;
}

UploadRecord read_upload(const Statement& s) {
  return UploadRecord{s.text(0), s.text(1), s.text(2), s.integer(3), s.text(4), s.text(5)};
}

PartRecord read_part(const Statement& s) {
  PartRecord p;
  p.upload_id = s.text(0);
  p.part_number = static_cast<int>(s.integer(1));
  p.blob_id = s.text(2);
  p.size = static_cast<std::uint64_t>(s.integer(3));
  p.etag = s.text(4);
  p.last_modified_ms = s.integer(5);
  p.checksums = s.text(6);
  return p;
}

// Every row the statement returns, each made by `read`.
template <typename Read>
auto all_rows(Statement& s, Read read) {
  std::vector<decltype(read(s))> out;
  while (s.step() == SQLITE_ROW) out.push_back(read(s));
  return out;
}

}  // namespace

SqliteObjects::SqliteObjects(SqliteDb& db, SqliteOutbox& outbox, SqliteTimers& timers,
                             SqliteUsage& usage, std::string root, bool sync)
    : db_(db), outbox_(outbox), timers_(timers), usage_(usage), blobs_(std::move(root), sync) {}

Status SqliteObjects::open() {
  if (auto s = blobs_.init(); !s) return s;
  return sweep_orphans();
}

Status SqliteObjects::write_together(const std::function<void()>& writes) {
  return db_.in_group(writes);
}

// Blobs a committed write let go are removed once no row can refer to them again: a single
// write's at once, a group's by the reaper once the group has committed (a group is a batch of
// many, and a lifecycle run goes on while their files are unlinked).
void SqliteObjects::release_blobs(std::vector<std::string> ids) {
  if (ids.empty()) return;
  if (!db_.group_open_here()) {
    for (const auto& id : ids) blobs_.remove(id);
    return;
  }
  db_.after_commit([this, ids = std::move(ids)]() mutable { reaper_.remove_later(std::move(ids)); });
}

Result<std::unique_ptr<BlobWriter>> SqliteObjects::create_blob() {
  Status status;
  auto writer = blobs_.new_writer(status);
  if (!writer) return status;
  return writer;
}

std::optional<ObjectRecord> SqliteObjects::find_object(const std::string& bucket,
                                                       const std::string& key) {
  std::lock_guard lock(db_.mutex());
  return find_object_locked(bucket, key);
}

std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> SqliteObjects::open_object(
    const std::string& bucket, const std::string& key) {
  std::lock_guard lock(db_.mutex());
  auto record = find_object_locked(bucket, key);
  if (!record) return std::nullopt;
  auto file = blobs_.open(record->blob_id);
  if (!file) return std::nullopt;
  return std::make_pair(std::move(*record), std::move(file.value()));
}

Status SqliteObjects::put_object(const ObjectRecord& record, std::unique_ptr<BlobWriter> blob,
                                 const WriteCondition& condition, Versioning versioning,
                                 const ChangeEvents& events) {
  return write_new_object(record, *blob, [&](std::vector<std::string>& garbage) {
    auto current = find_object_locked(record.bucket, record.key);
    return commit_object_locked(record, current, condition, versioning, events, garbage);
  });
}

Status SqliteObjects::update_object(const ObjectRecord& record, const ChangeEvents& events,
                                    const std::vector<Timer>& timers) {
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      // The row as it was, for the storage it billed (only read when storage is billed).
      std::optional<ObjectRecord> before;
      if (usage_.active()) before = find_version_locked(record.bucket, record.key, record.version_id);
      Statement s(db_.statements(),
                  "UPDATE objects SET etag = ?, last_modified_ms = ?, storage_class = ?, meta = ?, "
                  "last_access_ms = MAX(last_access_ms, ?) WHERE bucket = ? AND key = ? AND blob_id = ?");
      s.bind(1, record.etag).bind(2, record.last_modified_ms).bind(3, record.storage_class);
      s.bind(4, record.meta).bind(5, record.last_access_ms).bind(6, record.bucket);
      s.bind(7, record.key).bind(8, record.blob_id);
      if (s.step() != SQLITE_DONE) return db_.db_error("update object");
      if (!db_.changes()) {
        // Not the current object: a noncurrent version with the same bytes.
        Statement v(db_.statements(),
                    "UPDATE versions SET etag = ?, last_modified_ms = ?, storage_class = ?, meta = ?, "
                    "last_access_ms = MAX(last_access_ms, ?) WHERE bucket = ? AND key = ? "
                    "AND version_id = ? AND blob_id = ? AND delete_marker = 0");
        v.bind(1, record.etag).bind(2, record.last_modified_ms).bind(3, record.storage_class);
        v.bind(4, record.meta).bind(5, record.last_access_ms).bind(6, record.bucket);
        v.bind(7, record.key).bind(8, record.version_id).bind(9, record.blob_id);
        if (v.step() != SQLITE_DONE) return db_.db_error("update version");
        if (!db_.changes()) return Status::conflict("object changed meanwhile");
      }
      if (before && before->blob_id == record.blob_id)
        if (auto s = usage_.apply_locked(&*before, &record); !s) return s;
      for (const auto& t : timers)
        if (auto s = timers_.insert_locked(t); !s) return s;
      return record_change_locked(events, {record, false, db_.next_seq()});
    });
    if (!status) return status;
  }
  outbox_.notify_enqueued();
  timers_.notify_added();
  return Status::ok();
}

Result<DeleteOutcome> SqliteObjects::delete_latest(const std::string& bucket,
                                                   const std::string& key, Versioning versioning,
                                                   const std::string& marker_version_id,
                                                   std::int64_t now_ms, const ChangeEvents& events,
                                                   const WriteCondition& condition) {
  if (versioning == Versioning::Unversioned)
    return delete_unversioned(bucket, key, events, condition);
  std::vector<std::string> garbage;
  DeleteOutcome outcome{true, true, marker_version_id};
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      auto current = find_object_locked(bucket, key);
      if (condition)
        if (auto s = condition(current); !s) return s;
      if (auto s = retire_current_locked(bucket, key, current, versioning, now_ms, garbage); !s)
        return s;
      ObjectRecord marker;
      marker.bucket = bucket;
      marker.key = key;
      marker.last_modified_ms = now_ms;
      marker.storage_class = "STANDARD";
      marker.meta = "{}";
      marker.version_id = marker_version_id;
      marker.delete_marker = true;
      marker.noncurrent_ms = now_ms;
      marker.seq = db_.next_seq();
      if (auto s = insert_version_locked(marker); !s) return s;
      return record_change_locked(events, {marker, false, marker.seq});
    });
    if (!status) return status;
  }
  outbox_.notify_enqueued();
  release_blobs(std::move(garbage));
  return outcome;
}

Result<DeleteOutcome> SqliteObjects::delete_version(const std::string& bucket,
                                                    const std::string& key,
                                                    const std::string& version_id,
                                                    std::int64_t now_ms,
                                                    const ChangeEvents& events) {
  DeleteOutcome outcome{false, false, version_id};
  std::string garbage;
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      auto current = find_object_locked(bucket, key);
      if (current && current->version_id == version_id) {
        outcome.found = true;
        garbage = current->blob_id;
        if (auto s = delete_current_locked(bucket, key); !s) return s;
        if (auto s = usage_.apply_locked(&*current, nullptr); !s) return s;
      } else {
        Statement f(db_.statements(),
                    (std::string("SELECT ") + kVersionColumns +
                     " FROM versions WHERE bucket = ? AND key = ? AND version_id = ?").c_str());
        f.bind(1, bucket).bind(2, key).bind(3, version_id);
        if (f.step() != SQLITE_ROW) return Status::ok();
        ObjectRecord v = read_version(f);
        outcome.found = true;
        outcome.delete_marker = v.delete_marker;
        if (!v.delete_marker) garbage = v.blob_id;
        Statement d(db_.statements(), "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
        d.bind(1, bucket).bind(2, key).bind(3, v.seq);
        if (d.step() != SQLITE_DONE) return db_.db_error("delete version");
        if (!v.delete_marker)
          if (auto s = usage_.apply_locked(&v, nullptr); !s) return s;
      }
      if (auto s = promote_newest_locked(bucket, key); !s) return s;
      if (!outcome.found) return Status::ok();
      if (auto s = date_lone_marker_locked(bucket, key, now_ms); !s) return s;
      ObjectRecord removed;
      removed.bucket = bucket;
      removed.key = key;
      removed.version_id = version_id;
      removed.delete_marker = outcome.delete_marker;
      return record_change_locked(events, {removed, true, db_.next_seq()});
    });
    if (!status) return status;
  }
  outbox_.notify_enqueued();
  if (!garbage.empty()) release_blobs({garbage});
  return outcome;
}

std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> SqliteObjects::open_version(
    const std::string& bucket, const std::string& key, const std::string& version_id) {
  std::lock_guard lock(db_.mutex());
  std::optional<ObjectRecord> record;
  auto current = find_object_locked(bucket, key);
  if (current && current->version_id == version_id) {
    record = std::move(current);
  } else {
    Statement f(db_.statements(),
                (std::string("SELECT ") + kVersionColumns +
                 " FROM versions WHERE bucket = ? AND key = ? AND version_id = ?").c_str());
    f.bind(1, bucket).bind(2, key).bind(3, version_id);
    if (f.step() != SQLITE_ROW) return std::nullopt;
    record = read_version(f);
  }
  if (record->delete_marker) return std::make_pair(std::move(*record), std::shared_ptr<OpenFile>());
  auto file = blobs_.open(record->blob_id);
  if (!file) return std::nullopt;
  return std::make_pair(std::move(*record), std::move(file.value()));
}

std::optional<ObjectRecord> SqliteObjects::find_latest(const std::string& bucket,
                                                       const std::string& key) {
  std::lock_guard lock(db_.mutex());
  if (auto current = find_object_locked(bucket, key)) return current;
  return newest_version_locked(bucket, key);
}

std::vector<ObjectRecord> SqliteObjects::list_versions(const std::string& bucket,
                                                       const std::string& prefix,
                                                       const std::string& after_key,
                                                       std::int64_t after_seq, std::size_t limit) {
  std::lock_guard lock(db_.mutex());
  const std::string where =
      " WHERE bucket = ?1 AND key >= ?2 AND substr(CAST(key AS BLOB), 1, ?3) = CAST(?2 AS BLOB) "
      "AND (key > ?4 OR (key = ?4 AND seq < ?5))";
  std::string sql = std::string("SELECT ") + kObjectColumns + ", 0, 0 FROM objects" + where +
                    " UNION ALL SELECT " + kVersionColumns + " FROM versions" + where +
                    " ORDER BY key, seq DESC LIMIT ?6";
  Statement s(db_.statements(), sql);
  s.bind(1, bucket).bind(2, prefix).bind(3, static_cast<std::int64_t>(prefix.size()));
  s.bind(4, after_key).bind(5, after_seq).bind(6, static_cast<std::int64_t>(limit));
  return all_rows(s, read_version);
}

std::vector<StorageTotal> SqliteObjects::storage_totals() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT bucket, storage_class, count(*), coalesce(sum(size), 0) FROM ("
              "SELECT bucket, storage_class, size FROM objects UNION ALL "
              "SELECT bucket, storage_class, size FROM versions WHERE delete_marker = 0) "
              "GROUP BY bucket, storage_class ORDER BY bucket, storage_class");
  std::vector<StorageTotal> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({s.text(0), s.text(1), static_cast<std::uint64_t>(s.integer(2)),
                   static_cast<std::uint64_t>(s.integer(3))});
  return out;
}

std::vector<ObjectRecord> SqliteObjects::list_objects(const std::string& bucket,
                                                      const std::string& prefix,
                                                      const ListStart& start, std::size_t limit) {
  std::lock_guard lock(db_.mutex());
  // Keys compare as bytes (BINARY collation); `prefix` bounds the range from below, and a
  // byte-wise substr() checks it exactly (LIKE would trip on '%' and '_', and substr() on
  // TEXT counts characters, not bytes).
  std::string sql = std::string("SELECT ") + kObjectColumns +
                    " FROM objects WHERE bucket = ? AND key " + (start.inclusive ? ">=" : ">") +
                    " ? AND key >= ? "
                    "AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB) ORDER BY key LIMIT ?";
  Statement s(db_.statements(), sql.c_str());
  s.bind(1, bucket).bind(2, start.key).bind(3, prefix);
  s.bind(4, static_cast<std::int64_t>(prefix.size())).bind(5, prefix);
  s.bind(6, static_cast<std::int64_t>(limit));
  return all_rows(s, read_object);
}

std::vector<ObjectRecord> SqliteObjects::list_by_time(const char* sql, const std::string& bucket,
                                                      const std::string& prefix,
                                                      const TimeWindow& window,
                                                      const TimeCursor& after, std::size_t limit,
                                                      bool versions) {
  // A page starts after the cursor, or at the window's start (no key is empty, so (from, "")
  // comes before every row at `from`).
  TimeCursor start = after;
  if (after.ms < window.from_ms) start = TimeCursor{window.from_ms, "", INT64_MIN};
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), sql);
  s.bind(1, bucket).bind(2, start.ms).bind(3, start.key).bind(4, start.seq).bind(5, window.to_ms);
  s.bind(6, prefix).bind(7, static_cast<std::int64_t>(prefix.size()));
  s.bind(8, static_cast<std::int64_t>(limit));
  return versions ? all_rows(s, read_version) : all_rows(s, read_object);
}

// The listings by time each read one index range from where the page starts: the rows of one
// bucket by time then key (then seq for versions, whose indexes hold it), a row-value bound
// SQLite seeks to, so a page costs its own rows however many share a time; the prefix is
// checked byte-wise (as list_objects does). A current object's key is unique, so its seq (?4)
// is not needed. `only` narrows the rows to those of a partial index, which lets SQLite use it.
namespace {
std::string by_time_sql(bool versions, const char* time_column, const char* only = "") {
  const std::string time = time_column;
  const std::string order = versions ? time + ", key, seq" : time + ", key";
  const std::string cursor = versions ? "(?2, ?3, ?4)" : "(?2, ?3)";
  return std::string("SELECT ") + (versions ? kVersionColumns : kObjectColumns) + " FROM " +
         (versions ? "versions" : "objects") + " WHERE bucket = ?1 " + only + "AND (" + order +
         ") > " + cursor + " AND " + time + " < ?5 AND substr(CAST(key AS BLOB), 1, ?7) = CAST(?6 AS BLOB) " +
         "ORDER BY " + order + " LIMIT ?8";
}
}  // namespace

std::vector<ObjectRecord> SqliteObjects::list_modified_in(const std::string& bucket,
                                                          const std::string& prefix,
                                                          const TimeWindow& window,
                                                          const TimeCursor& after,
                                                          std::size_t limit) {
  static const std::string sql = by_time_sql(false, "last_modified_ms");
  return list_by_time(sql.c_str(), bucket, prefix, window, after, limit, false);
}

std::vector<ObjectRecord> SqliteObjects::list_noncurrent_in(const std::string& bucket,
                                                            const std::string& prefix,
                                                            const TimeWindow& window,
                                                            const TimeCursor& after,
                                                            std::size_t limit) {
  static const std::string sql = by_time_sql(true, "noncurrent_ms");
  return list_by_time(sql.c_str(), bucket, prefix, window, after, limit, true);
}

std::vector<ObjectRecord> SqliteObjects::list_tiering_accessed_in(const std::string& bucket,
                                                                  const TimeWindow& window,
                                                                  const TimeCursor& after,
                                                                  std::size_t limit) {
  static const std::string sql =
      by_time_sql(false, "last_access_ms", "AND storage_class = 'INTELLIGENT_TIERING' ");
  return list_by_time(sql.c_str(), bucket, "", window, after, limit, false);
}

std::vector<ObjectRecord> SqliteObjects::list_tiering_versions_accessed_in(const std::string& bucket,
                                                                           const TimeWindow& window,
                                                                           const TimeCursor& after,
                                                                           std::size_t limit) {
  static const std::string sql = by_time_sql(
      true, "last_access_ms", "AND storage_class = 'INTELLIGENT_TIERING' AND delete_marker = 0 ");
  return list_by_time(sql.c_str(), bucket, "", window, after, limit, true);
}

Status SqliteObjects::create_upload(const UploadRecord& u) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "INSERT INTO uploads (upload_id, bucket, key, initiated_ms, storage_class, meta) "
              "VALUES (?,?,?,?,?,?)");
  s.bind(1, u.upload_id).bind(2, u.bucket).bind(3, u.key).bind(4, u.initiated_ms);
  s.bind(5, u.storage_class).bind(6, u.meta);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("create upload");
}

std::optional<UploadRecord> SqliteObjects::find_upload(const std::string& upload_id) {
  std::lock_guard lock(db_.mutex());
  return find_upload_locked(upload_id);
}

std::vector<UploadRecord> SqliteObjects::list_uploads(const std::string& bucket) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), std::string("SELECT ") + kUploadColumns +
                                    " FROM uploads WHERE bucket = ? ORDER BY key, initiated_ms");
  s.bind(1, bucket);
  return all_rows(s, read_upload);
}

Status SqliteObjects::put_part(const PartRecord& part, std::unique_ptr<BlobWriter> blob) {
  if (auto s = blobs_.commit(*blob); !s) return s;
  std::string replaced;
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      auto upload = find_upload_locked(part.upload_id);
      if (!upload) return Status::not_found(part.upload_id);
      ObjectRecord stored = part_as_stored(*upload, part);
      Statement old(db_.statements(), "SELECT blob_id, size FROM parts WHERE upload_id = ? AND part_number = ?");
      old.bind(1, part.upload_id).bind(2, part.part_number);
      std::optional<ObjectRecord> was;
      if (old.step() == SQLITE_ROW) {
        replaced = old.text(0);
        was = stored;
        was->size = static_cast<std::uint64_t>(old.integer(1));
      }
      if (auto s = usage_.apply_locked(was ? &*was : nullptr, &stored, false); !s) return s;
      Statement s(db_.statements(),
                  "INSERT OR REPLACE INTO parts (upload_id, part_number, blob_id, size, etag, "
                  "last_modified_ms, checksums) VALUES (?,?,?,?,?,?,?)");
      s.bind(1, part.upload_id).bind(2, static_cast<std::int64_t>(part.part_number));
      s.bind(3, part.blob_id).bind(4, static_cast<std::int64_t>(part.size)).bind(5, part.etag);
      s.bind(6, part.last_modified_ms).bind(7, part.checksums);
      return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("put part");
    });
    if (!status) {
      blobs_.remove(part.blob_id);
      return status;
    }
  }
  if (!replaced.empty()) release_blobs({replaced});
  return Status::ok();
}

std::vector<PartRecord> SqliteObjects::list_parts(const std::string& upload_id) {
  std::lock_guard lock(db_.mutex());
  return list_parts_locked(upload_id);
}

Result<std::shared_ptr<OpenFile>> SqliteObjects::open_blob(const std::string& blob_id) {
  return blobs_.open(blob_id);
}

Status SqliteObjects::complete_upload(const std::string& upload_id, const ObjectRecord& record,
                                      std::unique_ptr<BlobWriter> blob,
                                      const WriteCondition& condition, Versioning versioning,
                                      const ChangeEvents& events) {
  return write_new_object(record, *blob, [&](std::vector<std::string>& garbage) -> Status {
    auto upload = find_upload_locked(upload_id);
    if (!upload) return Status::not_found(upload_id);
    auto current = find_object_locked(record.bucket, record.key);
    if (auto s = commit_object_locked(record, current, condition, versioning, events, garbage); !s)
      return s;
    const auto parts = list_parts_locked(upload_id);
    if (auto s = unbill_parts_locked(*upload, parts, false); !s) return s;
    for (const auto& p : parts) garbage.push_back(p.blob_id);
    return delete_upload_locked(upload_id);
  });
}

Status SqliteObjects::abort_upload(const std::string& upload_id) {
  std::vector<PartRecord> parts;
  {
    std::lock_guard lock(db_.mutex());
    auto upload = find_upload_locked(upload_id);
    if (!upload) return Status::not_found(upload_id);
    parts = list_parts_locked(upload_id);
    auto status = db_.in_transaction([&]() -> Status {
      if (auto s = unbill_parts_locked(*upload, parts, true); !s) return s;
      return delete_upload_locked(upload_id);
    });
    if (!status) return status;
  }
  std::vector<std::string> garbage;
  for (const auto& p : parts) garbage.push_back(p.blob_id);
  release_blobs(std::move(garbage));
  return Status::ok();
}

Result<DeleteOutcome> SqliteObjects::delete_unversioned(const std::string& bucket,
                                                        const std::string& key,
                                                        const ChangeEvents& events,
                                                        const WriteCondition& condition) {
  DeleteOutcome outcome{false, false, ""};
  std::string blob;
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&]() -> Status {
      auto current = find_object_locked(bucket, key);
      if (condition)
        if (auto s = condition(current); !s) return s;
      if (!current) return Status::ok();
      if (auto s = delete_current_locked(bucket, key); !s) return s;
      if (auto s = usage_.apply_locked(&*current, nullptr); !s) return s;
      outcome.found = true;
      blob = current->blob_id;
      return record_change_locked(events, {*current, true, db_.next_seq()});
    });
    if (!status) return status;
  }
  if (!outcome.found) return outcome;
  outbox_.notify_enqueued();
  release_blobs({blob});
  return outcome;
}

// A write of a new object's bytes (put_object, complete_upload). The slow part (fdatasync)
// runs before taking the lock, so writers overlap; then `transaction` runs in one transaction,
// collecting the blobs it lets go. A failed write removes the new blob; a committed one wakes
// the invoker and removes what it let go.
Status SqliteObjects::write_new_object(const ObjectRecord& record, BlobWriter& blob,
                                       const NewObjectTransaction& transaction) {
  if (auto s = blobs_.commit(blob); !s) return s;
  std::vector<std::string> garbage;
  {
    std::lock_guard lock(db_.mutex());
    auto status = db_.in_transaction([&] { return transaction(garbage); });
    if (!status) {
      blobs_.remove(record.blob_id);
      return status;
    }
  }
  outbox_.notify_enqueued();
  std::erase(garbage, record.blob_id);
  release_blobs(std::move(garbage));
  return Status::ok();
}

// The write put_object and complete_upload share, inside their transaction: the caller's
// condition sees the row about to be replaced, then `record` becomes current and its change
// asks for its events.
Status SqliteObjects::commit_object_locked(const ObjectRecord& record,
                                           const std::optional<ObjectRecord>& current,
                                           const WriteCondition& condition, Versioning versioning,
                                           const ChangeEvents& events,
                                           std::vector<std::string>& garbage) {
  if (condition)
    if (auto s = condition(current); !s) return s;
  if (auto s = replace_current_locked(record, current, versioning, garbage); !s) return s;
  ObjectRecord written = record;
  written.seq = db_.last_seq();
  return record_change_locked(events, {written, false, db_.last_seq()});
}

// Asks `events` what the change means and adds its entries to the outbox (the outbox wakes
// the invoker once the transaction commits).
Status SqliteObjects::record_change_locked(const ChangeEvents& events, const ObjectChange& change) {
  if (!events) return Status::ok();
  for (const auto& e : events(change))
    if (auto s = outbox_.insert_locked(e); !s) return s;
  return Status::ok();
}

std::optional<ObjectRecord> SqliteObjects::find_object_locked(const std::string& bucket,
                                                              const std::string& key) {
  std::string sql =
      std::string("SELECT ") + kObjectColumns + " FROM objects WHERE bucket = ? AND key = ?";
  Statement s(db_.statements(), sql.c_str());
  s.bind(1, bucket).bind(2, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_object(s);
}

Status SqliteObjects::upsert_object_locked(const ObjectRecord& r, std::int64_t seq) {
  Statement s(db_.statements(),
              "INSERT OR REPLACE INTO objects (bucket, key, blob_id, size, etag, last_modified_ms, "
              "storage_class, meta, version_id, seq, last_access_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, r.bucket).bind(2, r.key).bind(3, r.blob_id).bind(4, static_cast<std::int64_t>(r.size));
  s.bind(5, r.etag).bind(6, r.last_modified_ms).bind(7, r.storage_class).bind(8, r.meta);
  s.bind(9, r.version_id).bind(10, seq);
  s.bind(11, r.last_access_ms ? r.last_access_ms : r.last_modified_ms);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("write object");
}

Status SqliteObjects::insert_version_locked(const ObjectRecord& r) {
  Statement s(db_.statements(),
              "INSERT INTO versions (bucket, key, blob_id, size, etag, last_modified_ms, "
              "storage_class, meta, version_id, seq, delete_marker, last_access_ms, noncurrent_ms) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, r.bucket).bind(2, r.key).bind(3, r.blob_id).bind(4, static_cast<std::int64_t>(r.size));
  s.bind(5, r.etag).bind(6, r.last_modified_ms).bind(7, r.storage_class).bind(8, r.meta);
  s.bind(9, r.version_id).bind(10, r.seq).bind(11, static_cast<std::int64_t>(r.delete_marker));
  s.bind(12, r.last_access_ms ? r.last_access_ms : r.last_modified_ms);
  s.bind(13, r.noncurrent_ms ? r.noncurrent_ms : r.last_modified_ms);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("write version");
}

Status SqliteObjects::delete_current_locked(const std::string& bucket, const std::string& key) {
  Statement s(db_.statements(), "DELETE FROM objects WHERE bucket = ? AND key = ?");
  s.bind(1, bucket).bind(2, key);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("delete object");
}

// Removes the key's noncurrent "null" version or marker (Suspended overwrites it).
Status SqliteObjects::drop_null_version_locked(const std::string& bucket, const std::string& key,
                                               std::vector<std::string>& garbage) {
  Statement f(db_.statements(),
              (std::string("SELECT ") + kVersionColumns +
               " FROM versions WHERE bucket = ? AND key = ? AND version_id = 'null'").c_str());
  f.bind(1, bucket).bind(2, key);
  std::vector<ObjectRecord> nulls;
  while (f.step() == SQLITE_ROW) nulls.push_back(read_version(f));
  for (const auto& v : nulls) {
    if (!v.delete_marker) {
      garbage.push_back(v.blob_id);
      if (auto s = usage_.apply_locked(&v, nullptr); !s) return s;
    }
    Statement d(db_.statements(), "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
    d.bind(1, bucket).bind(2, key).bind(3, v.seq);
    if (d.step() != SQLITE_DONE) return db_.db_error("delete version");
  }
  return Status::ok();
}

// Moves the current object aside (kept as a noncurrent version, or removed) per the
// bucket's versioning, then makes `record` current.
Status SqliteObjects::replace_current_locked(const ObjectRecord& record,
                                             const std::optional<ObjectRecord>& current,
                                             Versioning versioning,
                                             std::vector<std::string>& garbage) {
  if (auto s = retire_current_locked(record.bucket, record.key, current, versioning,
                                     record.last_modified_ms, garbage);
      !s)
    return s;
  if (auto s = usage_.apply_locked(nullptr, &record); !s) return s;
  return upsert_object_locked(record, db_.next_seq());
}

Status SqliteObjects::retire_current_locked(const std::string& bucket, const std::string& key,
                                            const std::optional<ObjectRecord>& current,
                                            Versioning versioning, std::int64_t now_ms,
                                            std::vector<std::string>& garbage) {
  if (current) {
    const bool keep = versioning == Versioning::Enabled ||
                      (versioning == Versioning::Suspended && current->version_id != "null");
    if (keep) {
      ObjectRecord noncurrent = *current;
      noncurrent.noncurrent_ms = now_ms;
      if (auto s = insert_version_locked(noncurrent); !s) return s;
    } else {
      garbage.push_back(current->blob_id);
      if (auto s = usage_.apply_locked(&*current, nullptr); !s) return s;
    }
    if (auto s = delete_current_locked(bucket, key); !s) return s;
  }
  if (versioning == Versioning::Suspended) return drop_null_version_locked(bucket, key, garbage);
  return Status::ok();
}

std::optional<ObjectRecord> SqliteObjects::newest_version_locked(const std::string& bucket,
                                                                 const std::string& key) {
  Statement s(db_.statements(),
              (std::string("SELECT ") + kVersionColumns +
               " FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1").c_str());
  s.bind(1, bucket).bind(2, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_version(s);
}

// After a version is removed: the newest remaining one becomes current if it is an object.
Status SqliteObjects::promote_newest_locked(const std::string& bucket, const std::string& key) {
  if (find_object_locked(bucket, key)) return Status::ok();
  auto newest = newest_version_locked(bucket, key);
  if (!newest || newest->delete_marker) return Status::ok();
  Statement d(db_.statements(), "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
  d.bind(1, bucket).bind(2, key).bind(3, newest->seq);
  if (d.step() != SQLITE_DONE) return db_.db_error("promote version");
  return upsert_object_locked(*newest, newest->seq);
}

Status SqliteObjects::date_lone_marker_locked(const std::string& bucket, const std::string& key,
                                              std::int64_t now_ms) {
  if (find_object_locked(bucket, key)) return Status::ok();
  Statement c(db_.statements(),
              "SELECT COUNT(*), MIN(delete_marker) FROM versions WHERE bucket = ? AND key = ?");
  c.bind(1, bucket).bind(2, key);
  if (c.step() != SQLITE_ROW || c.integer(0) != 1 || c.integer(1) != 1) return Status::ok();
  Statement u(db_.statements(),
              "UPDATE versions SET noncurrent_ms = MAX(noncurrent_ms, ?) WHERE bucket = ? AND key = ?");
  u.bind(1, now_ms).bind(2, bucket).bind(3, key);
  return u.step() == SQLITE_DONE ? Status::ok() : db_.db_error("date lone delete marker");
}

std::optional<UploadRecord> SqliteObjects::find_upload_locked(const std::string& upload_id) {
  Statement s(db_.statements(),
              std::string("SELECT ") + kUploadColumns + " FROM uploads WHERE upload_id = ?");
  s.bind(1, upload_id);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return read_upload(s);
}

std::vector<PartRecord> SqliteObjects::list_parts_locked(const std::string& upload_id) {
  Statement s(db_.statements(),
              "SELECT upload_id, part_number, blob_id, size, etag, last_modified_ms, checksums "
              "FROM parts WHERE upload_id = ? ORDER BY part_number");
  s.bind(1, upload_id);
  return all_rows(s, read_part);
}

Status SqliteObjects::delete_upload_locked(const std::string& upload_id) {
  Statement p(db_.statements(), "DELETE FROM parts WHERE upload_id = ?");
  p.bind(1, upload_id);
  if (p.step() != SQLITE_DONE) return db_.db_error("delete parts");
  Statement u(db_.statements(), "DELETE FROM uploads WHERE upload_id = ?");
  u.bind(1, upload_id);
  return u.step() == SQLITE_DONE ? Status::ok() : db_.db_error("delete upload");
}

// One version, current or not, by its id.
std::optional<ObjectRecord> SqliteObjects::find_version_locked(const std::string& bucket,
                                                               const std::string& key,
                                                               const std::string& version_id) {
  auto current = find_object_locked(bucket, key);
  if (current && current->version_id == version_id) return current;
  Statement f(db_.statements(),
              (std::string("SELECT ") + kVersionColumns +
               " FROM versions WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0").c_str());
  f.bind(1, bucket).bind(2, key).bind(3, version_id);
  if (f.step() != SQLITE_ROW) return std::nullopt;
  return read_version(f);
}

// An upload's part stores bytes in the upload's class until the upload ends.
ObjectRecord SqliteObjects::part_as_stored(const UploadRecord& upload, const PartRecord& part) {
  ObjectRecord stored;
  stored.bucket = upload.bucket;
  stored.key = upload.key;
  stored.blob_id = part.blob_id;
  stored.size = part.size;
  stored.storage_class = upload.storage_class;
  stored.last_modified_ms = part.last_modified_ms;
  stored.meta = "{}";
  return stored;
}

// The upload's parts stop billing: completed (their bytes live on as the object) or aborted.
Status SqliteObjects::unbill_parts_locked(const UploadRecord& upload, const std::vector<PartRecord>& parts,
                                          bool aborted) {
  for (const auto& part : parts) {
    const ObjectRecord stored = part_as_stored(upload, part);
    if (auto s = usage_.apply_locked(&stored, nullptr, aborted); !s) return s;
  }
  return Status::ok();
}

Status SqliteObjects::sweep_orphans() {
  std::set<std::string> referenced;
  for (const char* sql : {"SELECT blob_id FROM objects", "SELECT blob_id FROM parts",
                          "SELECT blob_id FROM versions WHERE delete_marker = 0"}) {
    Statement s(db_.statements(), sql);
    while (s.step() == SQLITE_ROW) referenced.insert(s.text(0));
  }
  blobs_.sweep(referenced);
  referenced.clear();
#ifdef __GLIBC__
  // The set held every blob id (tens of MiB for a large store); glibc keeps freed heap for
  // reuse, so without this a server restarted on a big data directory would stay larger for
  // its whole life (the soak run measured it).
  ::malloc_trim(0);
#endif
  return Status::ok();
}


}  // namespace bf
