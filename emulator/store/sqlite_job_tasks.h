// Batch job tasks on the shared SQLite connection.
#pragma once
#include "emulator/store/job_tasks.h"
#include "emulator/store/sqlite_db.h"

namespace bf {

class SqliteJobTasks final : public JobTasks {
 public:
  explicit SqliteJobTasks(SqliteDb& db) : db_(db) {}

  Status set_tasks(const std::string& job_id, const std::vector<JobTask>& tasks) override;
  std::vector<JobTask> pending_tasks(const std::string& job_id, std::size_t limit) override;
  Status finish_tasks(const std::string& job_id, const std::vector<TaskOutcome>& outcomes) override;
  std::vector<FinishedTask> finished_tasks(const std::string& job_id, std::int64_t after_seq,
                                           std::size_t limit) override;
  TaskCounts count_tasks(const std::string& job_id) override;
  Status drop_tasks(const std::string& job_id) override;

 private:
  SqliteDb& db_;
};

}  // namespace bf
