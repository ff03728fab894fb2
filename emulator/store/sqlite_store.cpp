// Store on SQLite (WAL) for rows and BlobFiles for bytes. A write makes its blob durable and
// moves it into place first, then commits the row; a crash in between leaves an orphan blob
// that the next start-up sweeps, never a row without its bytes.
#include <malloc.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "emulator/store/blob_files.h"
#include "emulator/store/store.h"

namespace bf {

namespace {

// Prepared statements are compiled once per SQL text and reused (reset after each use);
// callers hold the store's mutex, so one cached statement is never used twice at once.
class StatementCache {
 public:
  explicit StatementCache(sqlite3*& db) : db_(db) {}
  ~StatementCache() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  }
  // Null when the SQL does not compile; step() then fails and sqlite3_errmsg says why.
  sqlite3_stmt* get(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      return nullptr;
    cache_.emplace(sql, stmt);
    return stmt;
  }

 private:
  sqlite3*& db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class Statement {
 public:
  Statement(StatementCache& cache, const char* sql) : stmt_(cache.get(sql)) {}
  Statement(StatementCache& cache, const std::string& sql) : Statement(cache, sql.c_str()) {}
  ~Statement() {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY, region TEXT NOT NULL, created_ms INTEGER NOT NULL, owner TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bucket_configs (
  bucket TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (bucket, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified_ms INTEGER NOT NULL, storage_class TEXT NOT NULL,
  meta TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
-- Noncurrent versions and every delete marker; the current object version lives in objects.
CREATE TABLE IF NOT EXISTS versions (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified_ms INTEGER NOT NULL, storage_class TEXT NOT NULL,
  meta TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL, PRIMARY KEY (bucket, key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_by_id ON versions (bucket, key, version_id);
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,
  initiated_ms INTEGER NOT NULL, storage_class TEXT NOT NULL, meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_bucket ON uploads (bucket, key, initiated_ms);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob_id TEXT NOT NULL,
  size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified_ms INTEGER NOT NULL,
  checksums TEXT NOT NULL, PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
-- Function invocations not yet finished: filled in the same transaction as the object
-- change that caused them, removed only when the invoker is done with them.
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, function TEXT NOT NULL, payload TEXT NOT NULL,
  context TEXT NOT NULL, created_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_due ON outbox (due_ms, id);
-- Control-plane state made through the APIs (functions and their settings).
CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (kind, name)
) WITHOUT ROWID;
)sql";

constexpr const char* kObjectColumns =
    "bucket, key, blob_id, size, etag, last_modified_ms, storage_class, meta, version_id, seq";
constexpr const char* kVersionColumns =
    "bucket, key, blob_id, size, etag, last_modified_ms, storage_class, meta, version_id, seq, "
    "delete_marker";

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
  return r;
}

ObjectRecord read_version(const Statement& s) {
  ObjectRecord r = read_object(s);
  r.delete_marker = s.integer(10) != 0;
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

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string root, bool memory, bool sync)
      : blobs_(root, sync), root_(std::move(root)), memory_(memory) {}

  ~SqliteStore() override {
    // close_v2 waits for the cached statements, finalized when the cache member goes.
    sqlite3_close_v2(db_);
    if (memory_) {
      std::error_code ec;
      std::filesystem::remove_all(root_, ec);
    }
  }

  Status open() {
    std::string path = memory_ ? ":memory:" : root_ + "/meta.db";
    // The store's own mutex serialises every call, so SQLite's is not needed.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
      return Status::io_error("open " + path + ": " + sqlite3_errmsg(db_));
    // Exclusive locking: one server owns a data directory (a second one is refused), and no
    // file lock is taken per transaction. WAL with NORMAL sync: a commit survives a process
    // crash at once and a power loss after the next checkpoint; blob bytes are fdatasync'ed
    // before their row commits.
    for (const char* sql : {"PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; "
                            "PRAGMA synchronous=NORMAL;",
                            kSchema}) {
      if (auto s = exec(sql); !s) {
        if (sqlite3_errcode(db_) == SQLITE_BUSY)
          return Status::io_error("it is in use by another bucketfire process");
        return s;
      }
    }
    {
      Statement m(statements_, "SELECT MAX(COALESCE((SELECT MAX(seq) FROM objects), 0), "
                               "COALESCE((SELECT MAX(seq) FROM versions), 0))");
      if (m.step() == SQLITE_ROW) seq_ = m.integer(0);
    }
    {
      Statement b(statements_, "SELECT name, region, created_ms, owner FROM buckets");
      while (b.step() == SQLITE_ROW)
        buckets_[b.text(0)] = CachedBucket{{b.text(0), b.text(1), b.integer(2), b.text(3)}, {}};
      Statement c(statements_, "SELECT bucket, name, document FROM bucket_configs");
      while (c.step() == SQLITE_ROW)
        if (auto it = buckets_.find(c.text(0)); it != buckets_.end()) it->second.configs[c.text(1)] = c.text(2);
    }
    // Only now, holding the database's exclusive lock, touch the blob folders.
    if (auto s = blobs_.init(); !s) return s;
    return sweep_orphans();
  }

  // Buckets and their configurations are read on every request and change rarely: they are
  // served from memory, and every change is written to SQLite first.
  Status create_bucket(const BucketRecord& b) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "INSERT INTO buckets (name, region, created_ms, owner) VALUES (?,?,?,?)");
    s.bind(1, b.name).bind(2, b.region).bind(3, b.created_ms).bind(4, b.owner);
    int rc = s.step();
    if (rc == SQLITE_CONSTRAINT) return Status::already_exists(b.name);
    if (rc != SQLITE_DONE) return db_error("create bucket");
    std::unique_lock cache(cache_mu_);
    buckets_[b.name] = CachedBucket{b, {}};
    return Status::ok();
  }

  std::optional<BucketRecord> find_bucket(const std::string& name) override {
    std::shared_lock cache(cache_mu_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) return std::nullopt;
    return it->second.record;
  }

  std::vector<BucketRecord> list_buckets() override {
    std::shared_lock cache(cache_mu_);
    std::vector<BucketRecord> out;
    for (const auto& [name, bucket] : buckets_) out.push_back(bucket.record);
    return out;
  }

  Status delete_bucket(const std::string& name) override {
    std::lock_guard lock(mu_);
    for (const char* sql : {"SELECT 1 FROM objects WHERE bucket = ? LIMIT 1",
                            "SELECT 1 FROM versions WHERE bucket = ? LIMIT 1",
                            "SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1"}) {
      Statement s(statements_, sql);
      s.bind(1, name);
      if (s.step() == SQLITE_ROW) return Status::not_empty(name);
    }
    Status status = in_transaction([&]() -> Status {
      Statement s(statements_, "DELETE FROM buckets WHERE name = ?");
      s.bind(1, name);
      if (s.step() != SQLITE_DONE) return db_error("delete bucket");
      if (!sqlite3_changes(db_)) return Status::not_found(name);
      Statement c(statements_, "DELETE FROM bucket_configs WHERE bucket = ?");
      c.bind(1, name);
      return c.step() == SQLITE_DONE ? Status::ok() : db_error("delete bucket configs");
    });
    if (status) {
      std::unique_lock cache(cache_mu_);
      buckets_.erase(name);
    }
    return status;
  }

  Status put_bucket_config(const std::string& bucket, const std::string& name,
                           const std::string& document) override {
    std::lock_guard lock(mu_);
    Statement s(statements_,
                "INSERT OR REPLACE INTO bucket_configs (bucket, name, document) VALUES (?,?,?)");
    s.bind(1, bucket).bind(2, name).bind(3, document);
    if (s.step() != SQLITE_DONE) return db_error("put bucket config");
    std::unique_lock cache(cache_mu_);
    if (auto it = buckets_.find(bucket); it != buckets_.end()) it->second.configs[name] = document;
    return Status::ok();
  }

  std::optional<std::string> get_bucket_config(const std::string& bucket,
                                               const std::string& name) override {
    std::shared_lock cache(cache_mu_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return std::nullopt;
    auto config = it->second.configs.find(name);
    if (config == it->second.configs.end()) return std::nullopt;
    return config->second;
  }

  Status delete_bucket_config(const std::string& bucket, const std::string& name) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "DELETE FROM bucket_configs WHERE bucket = ? AND name = ?");
    s.bind(1, bucket).bind(2, name);
    if (s.step() != SQLITE_DONE) return db_error("delete bucket config");
    std::unique_lock cache(cache_mu_);
    if (auto it = buckets_.find(bucket); it != buckets_.end()) it->second.configs.erase(name);
    return Status::ok();
  }

  Status put_document(const std::string& kind, const std::string& name,
                      const std::string& document) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "INSERT OR REPLACE INTO documents (kind, name, document) VALUES (?,?,?)");
    s.bind(1, kind).bind(2, name).bind(3, document);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("put document");
  }

  Status delete_document(const std::string& kind, const std::string& name) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "DELETE FROM documents WHERE kind = ? AND name = ?");
    s.bind(1, kind).bind(2, name);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("delete document");
  }

  std::vector<std::pair<std::string, std::string>> list_documents(const std::string& kind) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "SELECT name, document FROM documents WHERE kind = ? ORDER BY name");
    s.bind(1, kind);
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step() == SQLITE_ROW) out.emplace_back(s.text(0), s.text(1));
    return out;
  }

  Result<std::unique_ptr<BlobWriter>> create_blob() override {
    Status status;
    auto writer = blobs_.new_writer(status);
    if (!writer) return status;
    return writer;
  }

  std::optional<ObjectRecord> find_object(const std::string& bucket,
                                          const std::string& key) override {
    std::lock_guard lock(mu_);
    return find_object_locked(bucket, key);
  }

  std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_object(
      const std::string& bucket, const std::string& key) override {
    std::lock_guard lock(mu_);
    auto record = find_object_locked(bucket, key);
    if (!record) return std::nullopt;
    auto file = blobs_.open(record->blob_id);
    if (!file) return std::nullopt;
    return std::make_pair(std::move(*record), std::move(file.value()));
  }

  Status put_object(const ObjectRecord& record, std::unique_ptr<BlobWriter> blob,
                    const WriteCondition& condition, Versioning versioning,
                    const ChangeEvents& events) override {
    // The slow part (fdatasync) runs before taking the lock, so writers overlap.
    if (auto s = blobs_.commit(*blob); !s) return s;
    std::vector<std::string> garbage;
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        auto current = find_object_locked(record.bucket, record.key);
        if (condition)
          if (auto s = condition(current); !s) return s;
        if (auto s = replace_current_locked(record, current, versioning, garbage); !s) return s;
        ObjectRecord written = record;
        written.seq = seq_;
        return record_change_locked(events, {written, false, seq_});
      });
      if (!status) {
        blobs_.remove(record.blob_id);
        return status;
      }
    }
    notify_enqueued();
    for (const auto& id : garbage)
      if (id != record.blob_id) blobs_.remove(id);
    return Status::ok();
  }

  Status update_object(const ObjectRecord& record, const ChangeEvents& events) override {
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        Statement s(statements_,
                    "UPDATE objects SET etag = ?, last_modified_ms = ?, storage_class = ?, meta = ? "
                    "WHERE bucket = ? AND key = ? AND blob_id = ?");
        s.bind(1, record.etag).bind(2, record.last_modified_ms).bind(3, record.storage_class);
        s.bind(4, record.meta).bind(5, record.bucket).bind(6, record.key).bind(7, record.blob_id);
        if (s.step() != SQLITE_DONE) return db_error("update object");
        if (!sqlite3_changes(db_)) return Status::conflict("object changed meanwhile");
        return record_change_locked(events, {record, false, ++seq_});
      });
      if (!status) return status;
    }
    notify_enqueued();
    return Status::ok();
  }

  Result<DeleteOutcome> delete_latest(const std::string& bucket, const std::string& key,
                                      Versioning versioning, const std::string& marker_version_id,
                                      std::int64_t now_ms, const ChangeEvents& events) override {
    if (versioning == Versioning::Unversioned) return delete_unversioned(bucket, key, events);
    std::vector<std::string> garbage;
    DeleteOutcome outcome{true, true, marker_version_id};
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        auto current = find_object_locked(bucket, key);
        if (auto s = retire_current_locked(bucket, key, current, versioning, garbage); !s) return s;
        ObjectRecord marker;
        marker.bucket = bucket;
        marker.key = key;
        marker.last_modified_ms = now_ms;
        marker.storage_class = "STANDARD";
        marker.meta = "{}";
        marker.version_id = marker_version_id;
        marker.delete_marker = true;
        marker.seq = ++seq_;
        if (auto s = insert_version_locked(marker); !s) return s;
        return record_change_locked(events, {marker, false, marker.seq});
      });
      if (!status) return status;
    }
    notify_enqueued();
    for (const auto& id : garbage) blobs_.remove(id);
    return outcome;
  }

  Result<DeleteOutcome> delete_version(const std::string& bucket, const std::string& key,
                                       const std::string& version_id,
                                       const ChangeEvents& events) override {
    DeleteOutcome outcome{false, false, version_id};
    std::string garbage;
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        auto current = find_object_locked(bucket, key);
        if (current && current->version_id == version_id) {
          outcome.found = true;
          garbage = current->blob_id;
          if (auto s = delete_current_locked(bucket, key); !s) return s;
        } else {
          Statement f(statements_, (std::string("SELECT ") + kVersionColumns +
                                    " FROM versions WHERE bucket = ? AND key = ? AND version_id = ?").c_str());
          f.bind(1, bucket).bind(2, key).bind(3, version_id);
          if (f.step() != SQLITE_ROW) return Status::ok();
          ObjectRecord v = read_version(f);
          outcome.found = true;
          outcome.delete_marker = v.delete_marker;
          if (!v.delete_marker) garbage = v.blob_id;
          Statement d(statements_, "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
          d.bind(1, bucket).bind(2, key).bind(3, v.seq);
          if (d.step() != SQLITE_DONE) return db_error("delete version");
        }
        if (auto s = promote_newest_locked(bucket, key); !s) return s;
        if (!outcome.found) return Status::ok();
        ObjectRecord removed;
        removed.bucket = bucket;
        removed.key = key;
        removed.version_id = version_id;
        removed.delete_marker = outcome.delete_marker;
        return record_change_locked(events, {removed, true, ++seq_});
      });
      if (!status) return status;
    }
    notify_enqueued();
    if (!garbage.empty()) blobs_.remove(garbage);
    return outcome;
  }

  std::optional<std::pair<ObjectRecord, std::shared_ptr<OpenFile>>> open_version(
      const std::string& bucket, const std::string& key, const std::string& version_id) override {
    std::lock_guard lock(mu_);
    std::optional<ObjectRecord> record;
    auto current = find_object_locked(bucket, key);
    if (current && current->version_id == version_id) {
      record = std::move(current);
    } else {
      Statement f(statements_, (std::string("SELECT ") + kVersionColumns +
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

  std::optional<ObjectRecord> find_latest(const std::string& bucket, const std::string& key) override {
    std::lock_guard lock(mu_);
    if (auto current = find_object_locked(bucket, key)) return current;
    return newest_version_locked(bucket, key);
  }

  std::vector<ObjectRecord> list_versions(const std::string& bucket, const std::string& prefix,
                                          const std::string& after_key, std::int64_t after_seq,
                                          std::size_t limit) override {
    std::lock_guard lock(mu_);
    const std::string where =
        " WHERE bucket = ?1 AND key >= ?2 AND substr(CAST(key AS BLOB), 1, ?3) = CAST(?2 AS BLOB) "
        "AND (key > ?4 OR (key = ?4 AND seq < ?5))";
    std::string sql = std::string("SELECT ") + kObjectColumns + ", 0 FROM objects" + where +
                      " UNION ALL SELECT " + kVersionColumns + " FROM versions" + where +
                      " ORDER BY key, seq DESC LIMIT ?6";
    Statement s(statements_, sql);
    s.bind(1, bucket).bind(2, prefix).bind(3, static_cast<std::int64_t>(prefix.size()));
    s.bind(4, after_key).bind(5, after_seq).bind(6, static_cast<std::int64_t>(limit));
    std::vector<ObjectRecord> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_version(s));
    return out;
  }

  std::vector<ObjectRecord> list_objects(const std::string& bucket, const std::string& prefix,
                                         const ListStart& start, std::size_t limit) override {
    std::lock_guard lock(mu_);
    // Keys compare as bytes (BINARY collation); `prefix` bounds the range from below, and a
    // byte-wise substr() checks it exactly (LIKE would trip on '%' and '_', and substr() on
    // TEXT counts characters, not bytes).
    std::string sql = std::string("SELECT ") + kObjectColumns +
                      " FROM objects WHERE bucket = ? AND key " + (start.inclusive ? ">=" : ">") +
                      " ? AND key >= ? "
                      "AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB) ORDER BY key LIMIT ?";
    Statement s(statements_, sql.c_str());
    s.bind(1, bucket).bind(2, start.key).bind(3, prefix);
    s.bind(4, static_cast<std::int64_t>(prefix.size())).bind(5, prefix);
    s.bind(6, static_cast<std::int64_t>(limit));
    std::vector<ObjectRecord> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_object(s));
    return out;
  }

  Status create_upload(const UploadRecord& u) override {
    std::lock_guard lock(mu_);
    Statement s(statements_,
                "INSERT INTO uploads (upload_id, bucket, key, initiated_ms, storage_class, meta) "
                "VALUES (?,?,?,?,?,?)");
    s.bind(1, u.upload_id).bind(2, u.bucket).bind(3, u.key).bind(4, u.initiated_ms);
    s.bind(5, u.storage_class).bind(6, u.meta);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("create upload");
  }

  std::optional<UploadRecord> find_upload(const std::string& upload_id) override {
    std::lock_guard lock(mu_);
    Statement s(statements_,
                "SELECT upload_id, bucket, key, initiated_ms, storage_class, meta FROM uploads "
                "WHERE upload_id = ?");
    s.bind(1, upload_id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_upload(s);
  }

  std::vector<UploadRecord> list_uploads(const std::string& bucket) override {
    std::lock_guard lock(mu_);
    Statement s(statements_,
                "SELECT upload_id, bucket, key, initiated_ms, storage_class, meta FROM uploads "
                "WHERE bucket = ? ORDER BY key, initiated_ms");
    s.bind(1, bucket);
    std::vector<UploadRecord> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_upload(s));
    return out;
  }

  Status put_part(const PartRecord& part, std::unique_ptr<BlobWriter> blob) override {
    if (auto s = blobs_.commit(*blob); !s) return s;
    std::string replaced;
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        Statement u(statements_, "SELECT 1 FROM uploads WHERE upload_id = ?");
        u.bind(1, part.upload_id);
        if (u.step() != SQLITE_ROW) return Status::not_found(part.upload_id);
        Statement old(statements_, "SELECT blob_id FROM parts WHERE upload_id = ? AND part_number = ?");
        old.bind(1, part.upload_id).bind(2, part.part_number);
        if (old.step() == SQLITE_ROW) replaced = old.text(0);
        Statement s(statements_,
                    "INSERT OR REPLACE INTO parts (upload_id, part_number, blob_id, size, etag, "
                    "last_modified_ms, checksums) VALUES (?,?,?,?,?,?,?)");
        s.bind(1, part.upload_id).bind(2, static_cast<std::int64_t>(part.part_number));
        s.bind(3, part.blob_id).bind(4, static_cast<std::int64_t>(part.size)).bind(5, part.etag);
        s.bind(6, part.last_modified_ms).bind(7, part.checksums);
        return s.step() == SQLITE_DONE ? Status::ok() : db_error("put part");
      });
      if (!status) {
        blobs_.remove(part.blob_id);
        return status;
      }
    }
    if (!replaced.empty()) blobs_.remove(replaced);
    return Status::ok();
  }

  std::vector<PartRecord> list_parts(const std::string& upload_id) override {
    std::lock_guard lock(mu_);
    return list_parts_locked(upload_id);
  }

  Result<std::shared_ptr<OpenFile>> open_blob(const std::string& blob_id) override {
    return blobs_.open(blob_id);
  }

  Status complete_upload(const std::string& upload_id, const ObjectRecord& record,
                         std::unique_ptr<BlobWriter> blob, const WriteCondition& condition,
                         Versioning versioning, const ChangeEvents& events) override {
    if (auto s = blobs_.commit(*blob); !s) return s;
    std::vector<std::string> garbage;
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        Statement u(statements_, "SELECT 1 FROM uploads WHERE upload_id = ?");
        u.bind(1, upload_id);
        if (u.step() != SQLITE_ROW) return Status::not_found(upload_id);
        auto current = find_object_locked(record.bucket, record.key);
        if (condition)
          if (auto s = condition(current); !s) return s;
        for (const auto& p : list_parts_locked(upload_id)) garbage.push_back(p.blob_id);
        if (auto s = delete_upload_locked(upload_id); !s) return s;
        if (auto s = replace_current_locked(record, current, versioning, garbage); !s) return s;
        ObjectRecord written = record;
        written.seq = seq_;
        return record_change_locked(events, {written, false, seq_});
      });
      if (!status) {
        blobs_.remove(record.blob_id);
        return status;
      }
    }
    notify_enqueued();
    for (const auto& id : garbage) blobs_.remove(id);
    return Status::ok();
  }

  Status abort_upload(const std::string& upload_id) override {
    std::vector<PartRecord> parts;
    {
      std::lock_guard lock(mu_);
      if (!find_upload_exists_locked(upload_id)) return Status::not_found(upload_id);
      parts = list_parts_locked(upload_id);
      auto status = in_transaction([&] { return delete_upload_locked(upload_id); });
      if (!status) return status;
    }
    for (const auto& p : parts) blobs_.remove(p.blob_id);
    return Status::ok();
  }

  Status enqueue(const std::vector<OutboxEntry>& entries) override {
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        for (const auto& e : entries)
          if (auto s = insert_outbox_locked(e); !s) return s;
        return Status::ok();
      });
      if (!status) return status;
    }
    notify_enqueued();
    return Status::ok();
  }

  std::vector<OutboxEntry> due_events(std::int64_t now_ms, std::size_t limit,
                                      const std::vector<std::int64_t>& skip) override {
    std::lock_guard lock(mu_);
    Statement s(statements_,
                "SELECT id, function, payload, context, created_ms, due_ms, attempts FROM outbox "
                "WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?");
    s.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit + skip.size()));
    std::vector<OutboxEntry> out;
    while (s.step() == SQLITE_ROW && out.size() < limit) {
      std::int64_t id = s.integer(0);
      if (std::find(skip.begin(), skip.end(), id) != skip.end()) continue;
      out.push_back(OutboxEntry{id, s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5),
                                static_cast<int>(s.integer(6))});
    }
    return out;
  }

  std::optional<std::int64_t> next_due_ms(std::int64_t after_ms) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "SELECT MIN(due_ms) FROM outbox WHERE due_ms > ?");
    s.bind(1, after_ms);
    if (s.step() != SQLITE_ROW || s.is_null(0)) return std::nullopt;
    return s.integer(0);
  }

  Status reschedule_event(const OutboxEntry& e) override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "UPDATE outbox SET attempts = ?, due_ms = ?, context = ? WHERE id = ?");
    s.bind(1, static_cast<std::int64_t>(e.attempts)).bind(2, e.due_ms).bind(3, e.context).bind(4, e.id);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("reschedule event");
  }

  Status finish_event(std::int64_t id, const std::vector<OutboxEntry>& follow_ups) override {
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        Statement d(statements_, "DELETE FROM outbox WHERE id = ?");
        d.bind(1, id);
        if (d.step() != SQLITE_DONE) return db_error("finish event");
        for (const auto& e : follow_ups)
          if (auto s = insert_outbox_locked(e); !s) return s;
        return Status::ok();
      });
      if (!status) return status;
    }
    if (!follow_ups.empty()) notify_enqueued();
    return Status::ok();
  }

  Status finish_events(const std::vector<std::int64_t>& ids) override {
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Status {
      for (std::int64_t id : ids) {
        Statement d(statements_, "DELETE FROM outbox WHERE id = ?");
        d.bind(1, id);
        if (d.step() != SQLITE_DONE) return db_error("finish event");
      }
      return Status::ok();
    });
  }

  std::size_t pending_event_count() override {
    std::lock_guard lock(mu_);
    Statement s(statements_, "SELECT COUNT(*) FROM outbox");
    return s.step() == SQLITE_ROW ? static_cast<std::size_t>(s.integer(0)) : 0;
  }

  void on_enqueue(std::function<void()> listener) override {
    std::lock_guard lock(listener_mu_);
    enqueue_listener_ = std::move(listener);
  }

 private:
  Result<DeleteOutcome> delete_unversioned(const std::string& bucket, const std::string& key,
                                           const ChangeEvents& events) {
    DeleteOutcome outcome{false, false, ""};
    std::string blob;
    {
      std::lock_guard lock(mu_);
      auto status = in_transaction([&]() -> Status {
        auto current = find_object_locked(bucket, key);
        if (!current) return Status::ok();
        if (auto s = delete_current_locked(bucket, key); !s) return s;
        outcome.found = true;
        blob = current->blob_id;
        return record_change_locked(events, {*current, true, ++seq_});
      });
      if (!status) return status;
    }
    if (!outcome.found) return outcome;
    notify_enqueued();
    blobs_.remove(blob);
    return outcome;
  }

  // Asks `events` what the change means and adds its entries to the outbox.
  Status record_change_locked(const ChangeEvents& events, const ObjectChange& change) {
    if (!events) return Status::ok();
    auto entries = events(change);
    for (const auto& e : entries)
      if (auto s = insert_outbox_locked(e); !s) return s;
    if (!entries.empty()) enqueued_in_transaction_ = true;
    return Status::ok();
  }

  Status insert_outbox_locked(const OutboxEntry& e) {
    Statement s(statements_,
                "INSERT INTO outbox (function, payload, context, created_ms, due_ms, attempts) "
                "VALUES (?,?,?,?,?,?)");
    s.bind(1, e.function).bind(2, e.payload).bind(3, e.context).bind(4, e.created_ms);
    s.bind(5, e.due_ms).bind(6, static_cast<std::int64_t>(e.attempts));
    if (s.step() != SQLITE_DONE) return db_error("enqueue event");
    enqueued_in_transaction_ = true;
    return Status::ok();
  }

  // Wakes the invoker after a commit that added outbox rows.
  void notify_enqueued() {
    bool added;
    {
      std::lock_guard lock(mu_);
      added = enqueued_in_transaction_;
      enqueued_in_transaction_ = false;
    }
    if (!added) return;
    std::function<void()> listener;
    {
      std::lock_guard lock(listener_mu_);
      listener = enqueue_listener_;
    }
    if (listener) listener();
  }

  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      Status s = Status::io_error(std::string("sqlite: ") + (err ? err : "?"));
      sqlite3_free(err);
      return s;
    }
    return Status::ok();
  }

  Status db_error(const std::string& what) {
    return Status::io_error(what + ": " + sqlite3_errmsg(db_));
  }

  Status step_once(const char* sql) {
    Statement s(statements_, sql);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error(sql);
  }

  template <typename F>
  Status in_transaction(F&& body) {
    if (auto s = step_once("BEGIN IMMEDIATE"); !s) return s;
    Status status;
    try {
      status = body();
    } catch (const std::exception& e) {
      // Never leave the connection inside an open transaction.
      status = Status::io_error(std::string("transaction aborted: ") + e.what());
    }
    if (!status) {
      step_once("ROLLBACK");
      return status;
    }
    if (auto s = step_once("COMMIT"); !s) {
      step_once("ROLLBACK");
      return s;
    }
    return Status::ok();
  }

  std::optional<ObjectRecord> find_object_locked(const std::string& bucket,
                                                 const std::string& key) {
    std::string sql =
        std::string("SELECT ") + kObjectColumns + " FROM objects WHERE bucket = ? AND key = ?";
    Statement s(statements_, sql.c_str());
    s.bind(1, bucket).bind(2, key);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_object(s);
  }

  Status upsert_object_locked(const ObjectRecord& r, std::int64_t seq) {
    Statement s(statements_,
                "INSERT OR REPLACE INTO objects (bucket, key, blob_id, size, etag, "
                "last_modified_ms, storage_class, meta, version_id, seq) VALUES (?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, r.bucket).bind(2, r.key).bind(3, r.blob_id).bind(4, static_cast<std::int64_t>(r.size));
    s.bind(5, r.etag).bind(6, r.last_modified_ms).bind(7, r.storage_class).bind(8, r.meta);
    s.bind(9, r.version_id).bind(10, seq);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("write object");
  }

  Status insert_version_locked(const ObjectRecord& r) {
    Statement s(statements_,
                "INSERT INTO versions (bucket, key, blob_id, size, etag, last_modified_ms, "
                "storage_class, meta, version_id, seq, delete_marker) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, r.bucket).bind(2, r.key).bind(3, r.blob_id).bind(4, static_cast<std::int64_t>(r.size));
    s.bind(5, r.etag).bind(6, r.last_modified_ms).bind(7, r.storage_class).bind(8, r.meta);
    s.bind(9, r.version_id).bind(10, r.seq).bind(11, static_cast<std::int64_t>(r.delete_marker));
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("write version");
  }

  Status delete_current_locked(const std::string& bucket, const std::string& key) {
    Statement s(statements_, "DELETE FROM objects WHERE bucket = ? AND key = ?");
    s.bind(1, bucket).bind(2, key);
    return s.step() == SQLITE_DONE ? Status::ok() : db_error("delete object");
  }

  // Removes the key's noncurrent "null" version or marker (Suspended overwrites it).
  Status drop_null_version_locked(const std::string& bucket, const std::string& key,
                                  std::vector<std::string>& garbage) {
    Statement f(statements_, (std::string("SELECT ") + kVersionColumns +
                              " FROM versions WHERE bucket = ? AND key = ? AND version_id = 'null'").c_str());
    f.bind(1, bucket).bind(2, key);
    std::vector<ObjectRecord> nulls;
    while (f.step() == SQLITE_ROW) nulls.push_back(read_version(f));
    for (const auto& v : nulls) {
      if (!v.delete_marker) garbage.push_back(v.blob_id);
      Statement d(statements_, "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
      d.bind(1, bucket).bind(2, key).bind(3, v.seq);
      if (d.step() != SQLITE_DONE) return db_error("delete version");
    }
    return Status::ok();
  }

  // Moves the current object aside (kept as a noncurrent version, or removed) per the
  // bucket's versioning, then makes `record` current.
  Status replace_current_locked(const ObjectRecord& record, const std::optional<ObjectRecord>& current,
                                Versioning versioning, std::vector<std::string>& garbage) {
    if (auto s = retire_current_locked(record.bucket, record.key, current, versioning, garbage); !s)
      return s;
    return upsert_object_locked(record, ++seq_);
  }

  Status retire_current_locked(const std::string& bucket, const std::string& key,
                               const std::optional<ObjectRecord>& current, Versioning versioning,
                               std::vector<std::string>& garbage) {
    if (current) {
      const bool keep = versioning == Versioning::Enabled ||
                        (versioning == Versioning::Suspended && current->version_id != "null");
      if (keep) {
        if (auto s = insert_version_locked(*current); !s) return s;
      } else {
        garbage.push_back(current->blob_id);
      }
      if (auto s = delete_current_locked(bucket, key); !s) return s;
    }
    if (versioning == Versioning::Suspended) return drop_null_version_locked(bucket, key, garbage);
    return Status::ok();
  }

  std::optional<ObjectRecord> newest_version_locked(const std::string& bucket, const std::string& key) {
    Statement s(statements_, (std::string("SELECT ") + kVersionColumns +
                              " FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1").c_str());
    s.bind(1, bucket).bind(2, key);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_version(s);
  }

  // After a version is removed: the newest remaining one becomes current if it is an object.
  Status promote_newest_locked(const std::string& bucket, const std::string& key) {
    if (find_object_locked(bucket, key)) return Status::ok();
    auto newest = newest_version_locked(bucket, key);
    if (!newest || newest->delete_marker) return Status::ok();
    Statement d(statements_, "DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?");
    d.bind(1, bucket).bind(2, key).bind(3, newest->seq);
    if (d.step() != SQLITE_DONE) return db_error("promote version");
    return upsert_object_locked(*newest, newest->seq);
  }

  bool find_upload_exists_locked(const std::string& upload_id) {
    Statement u(statements_, "SELECT 1 FROM uploads WHERE upload_id = ?");
    u.bind(1, upload_id);
    return u.step() == SQLITE_ROW;
  }

  std::vector<PartRecord> list_parts_locked(const std::string& upload_id) {
    Statement s(statements_,
                "SELECT upload_id, part_number, blob_id, size, etag, last_modified_ms, checksums "
                "FROM parts WHERE upload_id = ? ORDER BY part_number");
    s.bind(1, upload_id);
    std::vector<PartRecord> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_part(s));
    return out;
  }

  Status delete_upload_locked(const std::string& upload_id) {
    Statement p(statements_, "DELETE FROM parts WHERE upload_id = ?");
    p.bind(1, upload_id);
    if (p.step() != SQLITE_DONE) return db_error("delete parts");
    Statement u(statements_, "DELETE FROM uploads WHERE upload_id = ?");
    u.bind(1, upload_id);
    return u.step() == SQLITE_DONE ? Status::ok() : db_error("delete upload");
  }

  Status sweep_orphans() {
    std::set<std::string> referenced;
    for (const char* sql : {"SELECT blob_id FROM objects", "SELECT blob_id FROM parts",
                            "SELECT blob_id FROM versions WHERE delete_marker = 0"}) {
      Statement s(statements_, sql);
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

  BlobFiles blobs_;
  std::string root_;
  bool memory_;
  sqlite3* db_ = nullptr;
  StatementCache statements_{db_};
  std::int64_t seq_ = 0;  // last write order handed out
  bool enqueued_in_transaction_ = false;  // outbox rows added since the last notify
  std::mutex listener_mu_;
  std::function<void()> enqueue_listener_;

  struct CachedBucket {
    BucketRecord record;
    std::map<std::string, std::string> configs;
  };
  std::shared_mutex cache_mu_;
  std::map<std::string, CachedBucket> buckets_;  // by name, as ListBuckets orders them
  std::mutex mu_;
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
