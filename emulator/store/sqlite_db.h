// The SQLite connection every part of the store shares: one database, one mutex that
// serialises every call, one store-wide write order. Only the sqlite_* files of store/ use it.
#pragma once
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

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
  Statement& bind_real(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
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
  // Recursive so a group of writes (in_group) can hold it while its writes take it again.
  std::recursive_mutex& mutex() { return mu_; }
  StatementCache& statements() { return statements_; }

  Status exec(const char* sql);
  Status db_error(const std::string& what);
  Status step_once(const char* sql);
  // Rows changed by the last statement.
  int changes() { return sqlite3_changes(db_); }
  std::int64_t last_insert_id() { return sqlite3_last_insert_rowid(db_); }

  // One write's transaction; inside a group on this thread, a savepoint of the group's, so
  // the write still succeeds or fails alone. Call with the mutex held.
  template <typename F>
  Status in_transaction(F&& body) {
    const bool nested = group_open_here();
    if (auto s = step_once(nested ? "SAVEPOINT write" : "BEGIN IMMEDIATE"); !s) return s;
    Status status;
    try {
      status = body();
    } catch (const std::exception& e) {
      // Never leave the connection inside an open transaction.
      status = Status::io_error(std::string("transaction aborted: ") + e.what());
    }
    if (!status) {
      if (nested) {
        step_once("ROLLBACK TO write");
        step_once("RELEASE write");
      } else {
        step_once("ROLLBACK");
      }
      return status;
    }
    if (auto s = step_once(nested ? "RELEASE write" : "COMMIT"); !s) {
      step_once(nested ? "ROLLBACK TO write" : "ROLLBACK");
      if (nested) step_once("RELEASE write");
      return s;
    }
    return Status::ok();
  }

  // Runs `body` (writes from this thread) in one transaction: a thousand small writes share
  // one commit instead of making a thousand. Other threads' calls wait until it ends, so
  // groups are kept short. A failed commit loses the group's writes, never leaves half of them.
  template <typename F>
  Status in_group(F&& body) {
    if (group_open_here()) {
      body();
      return Status::ok();
    }
    std::unique_lock lock(mu_);
    if (auto s = step_once("BEGIN IMMEDIATE"); !s) return s;
    group_owner_ = std::this_thread::get_id();
    Status status;
    try {
      body();
    } catch (const std::exception& e) {
      status = Status::io_error(std::string("write group aborted: ") + e.what());
    }
    group_owner_ = std::thread::id();
    if (status) status = step_once("COMMIT");
    if (!status) step_once("ROLLBACK");
    std::vector<std::function<void()>> work = std::exchange(after_group_, {});
    lock.unlock();
    if (status)
      for (auto& w : work) w();
    return status;
  }

  // Whether this thread has a group of writes open.
  bool group_open_here() const { return group_owner_.load() == std::this_thread::get_id(); }

  // Work that must wait until a write has committed (removing the blob files it let go): run
  // now, or, inside a group on this thread, once the group commits (dropped if it does not).
  void after_commit(std::function<void()> work) {
    if (group_open_here())
      after_group_.push_back(std::move(work));
    else
      work();
  }

  // The store-wide write order: a new one for each change, and the one last handed out.
  std::int64_t next_seq() { return ++seq_; }
  std::int64_t last_seq() const { return seq_; }

 private:
  Status add_missing_columns();

  sqlite3* db_ = nullptr;
  StatementCache statements_{db_};
  std::int64_t seq_ = 0;  // last write order handed out
  std::recursive_mutex mu_;
  // The thread whose group holds the open transaction (none: no group).
  std::atomic<std::thread::id> group_owner_{};
  std::vector<std::function<void()>> after_group_;
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
  void notify(std::recursive_mutex& db_mutex) {
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
