// The tasks of batch jobs: one row per object a job's manifest names, in manifest order, and
// each task's outcome once it has one. A job's own description is a control-plane document;
// its tasks live here because a job can have millions and every outcome is written as the job
// runs (in groups, so a crash loses at most the outcomes not yet written, whose tasks run again).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

struct JobTask {
  std::int64_t seq = 0;  // the task's place in the manifest, from 0
  std::string bucket;
  std::string key;
  std::string version_id;  // empty: the current version
};

// What a task came to, as the completion report writes it.
struct TaskOutcome {
  std::int64_t seq = 0;
  bool succeeded = false;
  std::string error_code;  // empty on success
  int http_status = 200;
  std::string result_message;
};

struct FinishedTask {
  JobTask task;
  TaskOutcome outcome;
};

struct TaskCounts {
  std::int64_t total = 0;
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;
};

class JobTasks {
 public:
  virtual ~JobTasks() = default;

  // Replaces every task of the job with these, in one transaction.
  virtual Status set_tasks(const std::string& job_id, const std::vector<JobTask>& tasks) = 0;
  // Tasks without an outcome, in order, at most `limit`.
  virtual std::vector<JobTask> pending_tasks(const std::string& job_id, std::size_t limit) = 0;
  // Records outcomes in one transaction.
  virtual Status finish_tasks(const std::string& job_id, const std::vector<TaskOutcome>& outcomes) = 0;
  // Tasks with an outcome after `after_seq`, in order, at most `limit`.
  virtual std::vector<FinishedTask> finished_tasks(const std::string& job_id, std::int64_t after_seq,
                                                   std::size_t limit) = 0;
  virtual TaskCounts count_tasks(const std::string& job_id) = 0;
  virtual Status drop_tasks(const std::string& job_id) = 0;
};

}  // namespace bf
