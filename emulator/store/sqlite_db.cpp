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
  last_access_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
-- Noncurrent versions and every delete marker; the current object version lives in objects.
CREATE TABLE IF NOT EXISTS versions (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified_ms INTEGER NOT NULL, storage_class TEXT NOT NULL,
  meta TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL, last_access_ms INTEGER NOT NULL DEFAULT 0,
  noncurrent_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (bucket, key, seq)
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
-- Usage for the cost report: totals per UTC day, and the levels stored bytes hold now.
CREATE TABLE IF NOT EXISTS usage (
  day_ms INTEGER NOT NULL, usage_type TEXT NOT NULL, operation TEXT NOT NULL, resource TEXT NOT NULL,
  quantity REAL NOT NULL, PRIMARY KEY (day_ms, usage_type, operation, resource)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage_levels (
  usage_type TEXT NOT NULL, operation TEXT NOT NULL, resource TEXT NOT NULL, quantity REAL NOT NULL,
  since_ms INTEGER NOT NULL, day_ms INTEGER NOT NULL, day_quantity REAL NOT NULL,
  PRIMARY KEY (usage_type, operation, resource)
) WITHOUT ROWID;
-- Functions' logs, as CloudWatch Logs keeps them: groups, their streams, and the events.
CREATE TABLE IF NOT EXISTS log_groups (
  name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, retention_days INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_streams (
  log_group TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL, first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL, last_ingestion_ms INTEGER NOT NULL, bytes INTEGER NOT NULL,
  PRIMARY KEY (log_group, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, log_group TEXT NOT NULL, stream TEXT NOT NULL,
  ts_ms INTEGER NOT NULL, ingestion_ms INTEGER NOT NULL, message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_by_time ON log_events (log_group, ts_ms, id);
CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (log_group, stream, id);
-- The tasks of batch jobs (one per manifest entry) and their outcomes; state 0 is pending.
CREATE TABLE IF NOT EXISTS job_tasks (
  job_id TEXT NOT NULL, seq INTEGER NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL,
  version_id TEXT NOT NULL, state INTEGER NOT NULL, error_code TEXT NOT NULL,
  http_status INTEGER NOT NULL, message TEXT NOT NULL, PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
)sql";

// Columns added after the first release, for data directories made before them: the table,
// the column and how existing rows fill it.
struct AddedColumn {
  const char* table;
  const char* column;
  const char* backfill;
};
constexpr AddedColumn kAddedColumns[] = {
    {"objects", "last_access_ms", "UPDATE objects SET last_access_ms = last_modified_ms"},
    {"versions", "last_access_ms", "UPDATE versions SET last_access_ms = last_modified_ms"},
    {"versions", "noncurrent_ms", "UPDATE versions SET noncurrent_ms = last_modified_ms"},
};

// The indexes the lifecycle runs read by time (index what is due, never scan a bucket per
// day): current objects by age, versions by the time they stopped being current, and
// Intelligent-Tiering objects (only those) by last access.
constexpr const char* kTimeIndexes = R"sql(
CREATE INDEX IF NOT EXISTS objects_by_age ON objects (bucket, last_modified_ms);
CREATE INDEX IF NOT EXISTS objects_by_access ON objects (bucket, last_access_ms)
  WHERE storage_class = 'INTELLIGENT_TIERING';
CREATE INDEX IF NOT EXISTS versions_by_noncurrent ON versions (bucket, noncurrent_ms);
CREATE INDEX IF NOT EXISTS versions_by_access ON versions (bucket, last_access_ms)
  WHERE storage_class = 'INTELLIGENT_TIERING' AND delete_marker = 0;
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
  if (auto s = add_missing_columns(); !s) return s;
  if (auto s = exec(kTimeIndexes); !s) return s;
  Statement m(statements_, "SELECT MAX(COALESCE((SELECT MAX(seq) FROM objects), 0), "
                           "COALESCE((SELECT MAX(seq) FROM versions), 0))");
  if (m.step() == SQLITE_ROW) seq_ = m.integer(0);
  return Status::ok();
}

Status SqliteDb::add_missing_columns() {
  for (const auto& added : kAddedColumns) {
    bool present = false;
    {
      Statement info(statements_, std::string("PRAGMA table_info(") + added.table + ")");
      while (info.step() == SQLITE_ROW)
        if (info.text(1) == added.column) present = true;
    }
    if (present) continue;
    const std::string alter = std::string("ALTER TABLE ") + added.table + " ADD COLUMN " +
                              added.column + " INTEGER NOT NULL DEFAULT 0";
    if (auto s = exec(alter.c_str()); !s) return s;
    if (auto s = exec(added.backfill); !s) return s;
  }
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
