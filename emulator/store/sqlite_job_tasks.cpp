#include "emulator/store/sqlite_job_tasks.h"

namespace bf {

namespace {
// state: 0 pending, 1 succeeded, 2 failed
constexpr std::int64_t kPending = 0, kSucceeded = 1, kFailed = 2;
}  // namespace

Status SqliteJobTasks::set_tasks(const std::string& job_id, const std::vector<JobTask>& tasks) {
  std::lock_guard lock(db_.mutex());
  return db_.in_transaction([&]() -> Status {
    Statement drop(db_.statements(), "DELETE FROM job_tasks WHERE job_id = ?");
    drop.bind(1, job_id);
    if (drop.step() != SQLITE_DONE) return db_.db_error("drop job tasks");
    for (const auto& t : tasks) {
      Statement s(db_.statements(),
                  "INSERT INTO job_tasks (job_id, seq, bucket, key, version_id, state, error_code, "
                  "http_status, message) VALUES (?,?,?,?,?,0,'',0,'')");
      s.bind(1, job_id).bind(2, t.seq).bind(3, t.bucket).bind(4, t.key).bind(5, t.version_id);
      if (s.step() != SQLITE_DONE) return db_.db_error("add job task");
    }
    return Status::ok();
  });
}

std::vector<JobTask> SqliteJobTasks::pending_tasks(const std::string& job_id, std::size_t limit) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT seq, bucket, key, version_id FROM job_tasks WHERE job_id = ? AND state = 0 "
              "ORDER BY seq LIMIT ?");
  s.bind(1, job_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<JobTask> out;
  while (s.step() == SQLITE_ROW) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

Status SqliteJobTasks::finish_tasks(const std::string& job_id, const std::vector<TaskOutcome>& outcomes) {
  std::lock_guard lock(db_.mutex());
  return db_.in_transaction([&]() -> Status {
    for (const auto& o : outcomes) {
      Statement s(db_.statements(),
                  "UPDATE job_tasks SET state = ?, error_code = ?, http_status = ?, message = ? "
                  "WHERE job_id = ? AND seq = ?");
      s.bind(1, o.succeeded ? kSucceeded : kFailed).bind(2, o.error_code)
          .bind(3, static_cast<std::int64_t>(o.http_status)).bind(4, o.result_message)
          .bind(5, job_id).bind(6, o.seq);
      if (s.step() != SQLITE_DONE) return db_.db_error("finish job task");
    }
    return Status::ok();
  });
}

std::vector<FinishedTask> SqliteJobTasks::finished_tasks(const std::string& job_id, std::int64_t after_seq,
                                                         std::size_t limit) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT seq, bucket, key, version_id, state, error_code, http_status, message FROM job_tasks "
              "WHERE job_id = ? AND seq > ? AND state != 0 ORDER BY seq LIMIT ?");
  s.bind(1, job_id).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
  std::vector<FinishedTask> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({{s.integer(0), s.text(1), s.text(2), s.text(3)},
                   {s.integer(0), s.integer(4) == kSucceeded, s.text(5), static_cast<int>(s.integer(6)),
                    s.text(7)}});
  return out;
}

TaskCounts SqliteJobTasks::count_tasks(const std::string& job_id) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "SELECT count(*), coalesce(sum(state = 1), 0), coalesce(sum(state = 2), 0) FROM job_tasks "
              "WHERE job_id = ?");
  s.bind(1, job_id);
  TaskCounts counts;
  if (s.step() == SQLITE_ROW) counts = {s.integer(0), s.integer(1), s.integer(2)};
  return counts;
}

Status SqliteJobTasks::drop_tasks(const std::string& job_id) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "DELETE FROM job_tasks WHERE job_id = ?");
  s.bind(1, job_id);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("drop job tasks");
}

}  // namespace bf
