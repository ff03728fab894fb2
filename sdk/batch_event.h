// The payload S3 Batch Operations sends a function for a LambdaInvoke job (invocation schema
// 1.0 or 2.0), and the answer it expects back, with AWS's field names. The emulator's job
// runner writes events with it; handlers parse them and build their answers.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "sdk/json.h"

namespace bf {

struct BatchTask {
  std::string task_id;
  std::string bucket;      // the name: 2.0's s3Bucket, or the name in 1.0's s3BucketArn
  std::string key;         // decoded; written URL-encoded as AWS does
  std::string version_id;  // "" when the manifest names no version (null on the wire)
};

struct BatchJobEvent {
  std::string schema_version = "1.0";  // "1.0" or "2.0"
  std::string invocation_id;
  std::string job_id;
  std::map<std::string, std::string> user_arguments;  // 2.0 only; null on the wire when empty
  std::vector<BatchTask> tasks;

  Json to_json() const;
  // Throws std::invalid_argument naming the missing or mistyped field.
  static BatchJobEvent from_json(const Json& event);
  // True for an object with invocationSchemaVersion and a tasks array.
  static bool matches(const Json& event);
};

// What a function says of one task. TemporaryFailure asks Batch Operations to try the task
// again; PermanentFailure fails it; result_string goes to the completion report.
struct BatchTaskResult {
  std::string task_id;
  std::string result_code;  // "Succeeded", "TemporaryFailure" or "PermanentFailure"
  std::string result_string;
};

// The answer to `event`: its schema version and invocation id, and a result per task. Tasks
// missing from `results` count as `treat_missing_keys_as`.
Json batch_response(const BatchJobEvent& event, const std::vector<BatchTaskResult>& results,
                    const std::string& treat_missing_keys_as = "PermanentFailure");

}  // namespace bf
