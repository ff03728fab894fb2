// Runs Batch Operations jobs: prepares each new job's tasks from its manifest (or generates
// them), waits for confirmation when asked, then runs the tasks of the highest-priority job,
// many at once, writing their outcomes as they come, and ends with the completion report.
// Jobs and outcomes are stored, so after a restart (or kill -9) a job continues where it was:
// a task whose outcome was written never runs again; one in flight runs again.
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "emulator/base/worker_pool.h"
#include "emulator/batch/batch_world.h"
#include "emulator/batch/job.h"

namespace bf {

// Why the API refuses a request about jobs, in S3 Control's words.
struct JobRefusal {
  int status = 400;
  std::string code;
  std::string message;
};

template <typename T>
using JobResult = std::variant<T, JobRefusal>;

class JobRunner {
 public:
  JobRunner(BatchWorld world, BatchOptions options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Reads the stored jobs and starts running them.
  void start();
  void stop();

  // A new job; the same ClientRequestToken with the same request (`fingerprint`) answers the
  // job it made before.
  // `region`: where the job lives (its ARN's); empty: the world's.
  JobResult<Job> create(JobSpec spec, const std::string& fingerprint, const std::string& region = "");
  std::optional<Job> find(const std::string& id) const;
  // Every job, newest first.
  std::vector<Job> list() const;
  JobResult<Job> update_priority(const std::string& id, std::int64_t priority);
  // Ready (confirms a Suspended job) or Cancelled.
  JobResult<Job> update_status(const std::string& id, const std::string& requested, const std::string& reason);
  JobResult<Job> put_tags(const std::string& id, TagPairs tags);

 private:
  enum class Step { None, Prepare, Run, Finish };
  Step next_step(std::string& id);
  void run_loop();
  void prepare(const std::string& id);
  void run_slice(const std::string& id);
  void finish(const std::string& id);
  void record_outcomes(const std::string& id, std::vector<TaskOutcome>& outcomes);
  void fail_preparation(const std::string& id, const std::string& code, const std::string& reason);
  // Records why the job failed and moves it to `status` (Failed, or Failing to write its report).
  void fail_locked(Job& job, JobFailure failure, const std::string& status);
  // Saves the job's document; call with mu_ held.
  void save_locked(const Job& job);
  void set_status_locked(Job& job, const std::string& status);

  BatchWorld world_;
  BatchOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;  // a job has work, or the runner stops
  std::map<std::string, Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
  WorkerPool pool_;
};

}  // namespace bf
