#include "emulator/store/sqlite_db.h"

namespace bf {

namespace {

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
-- Work the stored world owes at a time (restores completing and lapsing), by due time.
CREATE TABLE IF NOT EXISTS timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, due_ms INTEGER NOT NULL, kind TEXT NOT NULL,
  subject TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_ms, id);
-- Control-plane state made through the APIs (functions and their settings).
CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (kind, name)
) WITHOUT ROWID;
)sql";

}  // namespace

SqliteDb::~SqliteDb() {
  // close_v2 waits for the cached statements, finalized when the cache member goes.
  sqlite3_close_v2(db_);
}

Status SqliteDb::open(const std::string& path) {
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
  Statement m(statements_, "SELECT MAX(COALESCE((SELECT MAX(seq) FROM objects), 0), "
                           "COALESCE((SELECT MAX(seq) FROM versions), 0))");
  if (m.step() == SQLITE_ROW) seq_ = m.integer(0);
  return Status::ok();
}

Status SqliteDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Status s = Status::io_error(std::string("sqlite: ") + (err ? err : "?"));
    sqlite3_free(err);
    return s;
  }
  return Status::ok();
}

Status SqliteDb::db_error(const std::string& what) {
  return Status::io_error(what + ": " + sqlite3_errmsg(db_));
}

Status SqliteDb::step_once(const char* sql) {
  Statement s(statements_, sql);
  return s.step() == SQLITE_DONE ? Status::ok() : db_error(sql);
}

}  // namespace bf
