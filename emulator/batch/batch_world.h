// What the job runner works with: where jobs and their tasks are kept, the objects manifests
// name, the clock, and how it reaches S3 and Lambda. Operations on objects go through S3 as
// requests (so they fire notifications and are metered like any client's); invocations go
// through the invoker as the event dispatcher's do.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "emulator/base/clock.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/document_store.h"
#include "emulator/store/job_tasks.h"
#include "emulator/store/object_store.h"
#include "sdk/s3_client.h"

namespace bf {

class Invoker;
class FunctionRegistry;

struct BatchWorld {
  DocumentStore& documents;
  JobTasks& tasks;
  ObjectStore& objects;
  BucketStore& buckets;
  const Clock& clock;
  std::function<std::unique_ptr<S3Client>()> s3;
  Invoker& invoker;
  const FunctionRegistry& registry;
  std::string region;
  std::string account_id;
};

struct BatchOptions {
  int concurrency = 64;  // tasks in flight across the running job
  int task_attempts = 3;  // a TemporaryFailure or function error is tried this often in all
};

}  // namespace bf
