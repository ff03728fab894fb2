// The SQLite connection every part of the store shares: one database, one mutex that
// serialises every call, one store-wide write order. Only the sqlite_* files of store/ use it.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/base/status.h"

namespace bf {

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

class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Opens `path` (":memory:" keeps the rows in memory), takes the database's exclusive lock,
  // creates the schema and reads the last write order handed out.
  Status open(const std::string& path);

  // Every call of every part of the store holds it around its statements and transactions.
  std::mutex& mutex() { return mu_; }
  StatementCache& statements() { return statements_; }

  Status exec(const char* sql);
  Status db_error(const std::string& what);
  Status step_once(const char* sql);
  // Rows changed by the last statement.
  int changes() { return sqlite3_changes(db_); }

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

  // The store-wide write order: a new one for each change, and the one last handed out.
  std::int64_t next_seq() { return ++seq_; }
  std::int64_t last_seq() const { return seq_; }

 private:
  Status add_missing_columns();

  sqlite3* db_ = nullptr;
  StatementCache statements_{db_};
  std::int64_t seq_ = 0;  // last write order handed out
  std::mutex mu_;
};

// Tells a listener, after a commit, that a table gained rows inside it (the outbox wakes the
// dispatcher, the timers the timekeeper). Marked under the database's mutex; the listener
// runs without any store lock held.
class AddedRows {
 public:
  void mark_locked() { added_ = true; }
  void listen(std::function<void()> listener) {
    std::lock_guard lock(listener_mu_);
    listener_ = std::move(listener);
  }
  // Call after the transaction, without the database's mutex.
  void notify(std::mutex& db_mutex) {
    {
      std::lock_guard lock(db_mutex);
      if (!added_) return;
      added_ = false;
    }
    std::function<void()> listener;
    {
      std::lock_guard lock(listener_mu_);
      listener = listener_;
    }
    if (listener) listener();
  }

 private:
  bool added_ = false;
  std::mutex listener_mu_;
  std::function<void()> listener_;
};

}  // namespace bf
