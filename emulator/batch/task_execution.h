// Running one task of a job: the operation applied to one object, and what came of it as the
// completion report writes it.
#pragma once
#include "emulator/batch/batch_world.h"
#include "emulator/batch/job.h"
#include "emulator/lambda/function.h"
#include "emulator/store/job_tasks.h"

namespace bf {

// An attempt's result: a TemporaryFailure (or a function error, or a throttle) asks for
// another attempt while attempts remain.
struct TaskAttempt {
  TaskOutcome outcome;
  bool retry = false;
};

// `function`: a LambdaInvoke job's function (null when its ARN names none).
TaskAttempt run_task(const BatchWorld& world, const Job& job, const JobTask& task, const FunctionConfig* function,
                     S3Client& s3);

// The LambdaInvoke event for one task (schema 1.0 or 2.0), and reading the function's answer.
std::string lambda_invocation_event(const Job& job, const JobTask& task, const std::string& invocation_id,
                                    const std::string& task_id);
TaskAttempt read_lambda_answer(const std::string& answer, const std::string& task_id);

}  // namespace bf
