#include "emulator/batch/job_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "emulator/batch/completion_report.h"
#include "emulator/batch/job_preparation.h"
#include "emulator/batch/task_execution.h"
#include "emulator/lambda/function_registry.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

constexpr const char* kJobDocument = "batch-job";
constexpr std::size_t kSliceTasks = 1000;  // tasks handed out between looks at the other jobs
// S3 Batch Operations fails a job when, after at least 1,000 tasks, more than half failed.
constexpr std::int64_t kThresholdTasks = 1000;

bool runnable(const std::string& status) { return status == "Ready" || status == "Active"; }
bool finishing(const std::string& status) {
  return status == "Completing" || status == "Failing" || status == "Cancelling";
}

JobRefusal no_such_job(const std::string& id) {
  // The model's NotFoundException (what SDKs raise as a typed error), in the words of S3's
  // troubleshooting guide.
  return {404, "NotFoundException", "No such job: " + id};
}

}  // namespace

JobRunner::JobRunner(BatchWorld world, BatchOptions options)
    : world_(std::move(world)), options_(options),
      pool_(static_cast<std::size_t>(std::max(1, options_.concurrency))) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::start() {
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, document] : world_.documents.list_documents(kJobDocument)) {
      Job job;
      if (!job_from_document(document, job)) {
        std::fprintf(stderr, "bucketfire: a saved batch job could not be read: %s\n", name.c_str());
        continue;
      }
      // Preparation starts over; a running job's counts are what its stored outcomes say.
      if (job.status == "Preparing") job.status = "New";
      if (job.status == "Active" || finishing(job.status)) {
        const TaskCounts counts = world_.tasks.count_tasks(job.id);
        job.succeeded = counts.succeeded;
        job.failed = counts.failed;
        if (job.active_since_ms > 0) job.active_since_ms = world_.clock.now_ms();
      }
      jobs_[job.id] = std::move(job);
    }
  }
  thread_ = std::thread([this] { run_loop(); });
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::save_locked(const Job& job) {
  if (Status s = world_.documents.put_document(kJobDocument, job.id, job_document(job)); !s)
    std::fprintf(stderr, "bucketfire: batch job %s was not saved: %s\n", job.id.c_str(), s.message().c_str());
}

void JobRunner::set_status_locked(Job& job, const std::string& status) {
  const std::int64_t now = world_.clock.now_ms();
  if (job.status == "Active" && status != "Active" && job.active_since_ms > 0) {
    job.active_ms += std::max<std::int64_t>(0, now - job.active_since_ms);
    job.active_since_ms = 0;
  }
  if (status == "Active") job.active_since_ms = now;
  if (status == "Suspended") job.suspended_ms = now;
  if (is_terminal(status)) job.termination_ms = now;
  job.status = status;
}

JobResult<Job> JobRunner::create(JobSpec spec, const std::string& fingerprint, const std::string& region) {
  std::unique_lock lock(mu_);
  for (const auto& [id, job] : jobs_)
    if (job.spec.client_request_token == spec.client_request_token) {
      if (job.fingerprint == fingerprint) return job;
      return JobRefusal{400, "IdempotencyException",
                        "The ClientRequestToken was used before with different request parameters"};
    }
  Job job;
  job.id = new_uuid();
  job.spec = std::move(spec);
  job.fingerprint = fingerprint;
  job.creation_ms = world_.clock.now_ms();
  job.region = region.empty() ? world_.region : region;
  job.account_id = world_.account_id;
  save_locked(job);
  jobs_[job.id] = job;
  lock.unlock();
  cv_.notify_all();
  return job;
}

std::optional<Job> JobRunner::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::vector<Job> JobRunner::list() const {
  std::vector<Job> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, job] : jobs_) out.push_back(job);
  }
  std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) {
    return a.creation_ms != b.creation_ms ? a.creation_ms > b.creation_ms : a.id < b.id;
  });
  return out;
}

JobResult<Job> JobRunner::update_priority(const std::string& id, std::int64_t priority) {
  std::unique_lock lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return no_such_job(id);
  it->second.spec.priority = priority;
  save_locked(it->second);
  Job job = it->second;
  lock.unlock();
  cv_.notify_all();
  return job;
}

JobResult<Job> JobRunner::update_status(const std::string& id, const std::string& requested,
                                        const std::string& reason) {
  std::unique_lock lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return no_such_job(id);
  Job& job = it->second;
  if (requested == "Ready") {
    if (job.status != "Suspended")
      return JobRefusal{400, "JobStatusException",
                        "Job is not in a state that can be confirmed: its status is " + job.status};
    set_status_locked(job, "Ready");
    job.suspended_cause.clear();
  } else {
    if (is_terminal(job.status) || finishing(job.status))
      return JobRefusal{400, "JobStatusException", "Job cannot be cancelled: its status is " + job.status};
    // A job not yet running ends at once; a running one stops handing out tasks first.
    set_status_locked(job, job.status == "Active" ? "Cancelling" : "Cancelled");
  }
  job.status_update_reason = reason;
  save_locked(job);
  Job out = job;
  lock.unlock();
  cv_.notify_all();
  return out;
}

JobResult<Job> JobRunner::put_tags(const std::string& id, TagPairs tags) {
  std::lock_guard lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return no_such_job(id);
  it->second.spec.tags = std::move(tags);
  save_locked(it->second);
  return it->second;
}

JobRunner::Step JobRunner::next_step(std::string& id) {
  const Job* best = nullptr;
  for (const auto& [jid, job] : jobs_) {
    if (job.status == "New") {
      id = jid;
      return Step::Prepare;
    }
    if (finishing(job.status)) {
      id = jid;
      return Step::Finish;
    }
    // The highest priority runs first; among equals, the oldest.
    if (runnable(job.status) &&
        (!best || job.spec.priority > best->spec.priority ||
         (job.spec.priority == best->spec.priority && job.creation_ms < best->creation_ms)))
      best = &job;
  }
  if (!best) return Step::None;
  id = best->id;
  return Step::Run;
}

void JobRunner::run_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::string id;
    const Step step = next_step(id);
    if (step == Step::None) {
      cv_.wait(lock);
      continue;
    }
    lock.unlock();
    switch (step) {
      case Step::Prepare: prepare(id); break;
      case Step::Run: run_slice(id); break;
      case Step::Finish: finish(id); break;
      case Step::None: break;
    }
    lock.lock();
  }
}

void JobRunner::fail_locked(Job& job, JobFailure failure, const std::string& status) {
  job.failures.push_back(std::move(failure));
  job.status_update_reason = "Job failed";
  set_status_locked(job, status);
  save_locked(job);
}

void JobRunner::fail_preparation(const std::string& id, const std::string& code, const std::string& reason) {
  std::lock_guard lock(mu_);
  fail_locked(jobs_[id], {code, reason}, "Failed");
}

void JobRunner::prepare(const std::string& id) {
  Job job;
  {
    std::lock_guard lock(mu_);
    Job& stored = jobs_[id];
    if (stored.status != "New") return;
    set_status_locked(stored, "Preparing");
    save_locked(stored);
    job = stored;
  }
  auto prepared = prepare_tasks(world_, job);
  if (auto* failure = std::get_if<JobFailure>(&prepared)) return fail_preparation(id, failure->code, failure->reason);
  Preparation& p = std::get<Preparation>(prepared);
  if (Status s = world_.tasks.set_tasks(id, p.tasks); !s) return fail_preparation(id, "InternalError", s.message());
  std::lock_guard lock(mu_);
  Job& stored = jobs_[id];
  stored.total_tasks = static_cast<std::int64_t>(p.tasks.size());
  stored.succeeded = stored.failed = 0;
  stored.generated_manifest = p.generated_manifest;
  if (stored.status != "Preparing") {  // cancelled meanwhile
    save_locked(stored);
    return;
  }
  if (stored.spec.confirmation_required) {
    set_status_locked(stored, "Suspended");
    stored.suspended_cause = "AWAITING_CONFIRMATION";
  } else {
    set_status_locked(stored, "Ready");
  }
  save_locked(stored);
}

void JobRunner::record_outcomes(const std::string& id, std::vector<TaskOutcome>& outcomes) {
  if (outcomes.empty()) return;
  if (Status s = world_.tasks.finish_tasks(id, outcomes); !s) {
    std::fprintf(stderr, "bucketfire: batch job %s: outcomes not saved: %s\n", id.c_str(), s.message().c_str());
    outcomes.clear();
    return;
  }
  std::lock_guard lock(mu_);
  Job& job = jobs_[id];
  for (const auto& o : outcomes) ++(o.succeeded ? job.succeeded : job.failed);
  outcomes.clear();
  const std::int64_t done = job.succeeded + job.failed;
  if (job.status == "Active" && done >= kThresholdTasks && job.failed * 2 > done)
    return fail_locked(job, {"TaskFailureThresholdExceeded",
                             "Job failed because it exceeded the task failure threshold: more than 50% of "
                             "at least 1,000 tasks failed"},
                       "Failing");
  save_locked(job);
}

void JobRunner::run_slice(const std::string& id) {
  Job job;
  {
    std::lock_guard lock(mu_);
    Job& stored = jobs_[id];
    if (!runnable(stored.status)) return;
    if (stored.status == "Ready") {
      set_status_locked(stored, "Active");
      save_locked(stored);
    }
    job = stored;
  }
  // Every outcome of the last slice is written before the next begins: what is pending now has
  // not run (or ran when the server was killed, and runs again).
  const auto tasks = world_.tasks.pending_tasks(id, kSliceTasks);
  if (tasks.empty()) {
    std::lock_guard lock(mu_);
    Job& stored = jobs_[id];
    if (stored.status == "Active") set_status_locked(stored, "Completing");
    save_locked(stored);
    return;
  }

  // The function is looked up once a slice; one with reserved concurrency takes no more at
  // once than it reserved, nor than the job-wide limit (serve --batch-concurrency).
  std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency));
  std::optional<FunctionConfig> function;
  if (job.spec.operation.name == "LambdaInvoke") {
    const std::string name = world_.registry.resolve(job.spec.operation.lambda.function_arn);
    if (!name.empty()) function = world_.registry.find(name);
    if (function && function->reserved_concurrency)
      limit = std::min(limit, static_cast<std::size_t>(std::max(1, *function->reserved_concurrency)));
  }

  std::mutex slice_mu;
  std::condition_variable slice_cv;
  std::vector<TaskOutcome> outcomes;
  std::size_t remaining = tasks.size(), in_flight = 0, next = 0;
  std::atomic<bool> stop_handing_out{false};
  auto run_one = [&](const JobTask& task) {
    // A task queued before the job was cancelled (or the server stopped) never starts.
    const bool runs = !stop_handing_out;
    TaskAttempt attempt;
    if (runs) {
      auto s3 = world_.s3();
      thread_local std::mt19937 rng{std::random_device{}()};
      for (int n = 1;; ++n) {
        attempt = run_task(world_, job, task, function ? &*function : nullptr, *s3);
        if (!attempt.retry || n >= options_.task_attempts || stop_handing_out) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 20 << n)(rng)));
      }
    }
    std::lock_guard lock(slice_mu);
    if (runs) outcomes.push_back(attempt.outcome);
    --remaining;
    --in_flight;
    slice_cv.notify_all();
  };
  std::unique_lock lock(slice_mu);
  while (remaining > 0) {
    while (next < tasks.size() && in_flight < limit && !stop_handing_out) {
      ++in_flight;
      const JobTask* task = &tasks[next++];
      pool_.submit([&run_one, task] { run_one(*task); });
    }
    if (stop_handing_out && next < tasks.size()) {  // the rest never started
      remaining -= tasks.size() - next;
      next = tasks.size();
      continue;
    }
    slice_cv.wait_for(lock, std::chrono::milliseconds(100));
    // Outcomes are written as they come (about ten times a second), so a crash loses few.
    std::vector<TaskOutcome> batch = std::move(outcomes);
    outcomes.clear();
    lock.unlock();
    record_outcomes(id, batch);
    {
      std::lock_guard job_lock(mu_);
      if (jobs_[id].status != "Active" || stopping_) stop_handing_out = true;
    }
    lock.lock();
  }
  std::vector<TaskOutcome> rest = std::move(outcomes);
  lock.unlock();
  record_outcomes(id, rest);
}

void JobRunner::finish(const std::string& id) {
  Job job;
  {
    std::lock_guard lock(mu_);
    job = jobs_[id];
  }
  const std::string problem = write_completion_report(world_, job);
  std::lock_guard lock(mu_);
  Job& stored = jobs_[id];
  if (!problem.empty()) stored.failures.push_back({"ReportWriteFailed", problem});
  const std::string& status = stored.status;
  set_status_locked(stored, status == "Completing" && problem.empty() ? "Complete"
                            : status == "Cancelling"                   ? "Cancelled"
                                                                       : "Failed");
  save_locked(stored);
}

}  // namespace bf
