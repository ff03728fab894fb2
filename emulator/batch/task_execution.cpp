#include "emulator/batch/task_execution.h"

#include "emulator/lambda/invoker.h"
#include "emulator/s3/bucket_name.h"
#include "sdk/batch_event.h"
#include "sdk/hash.h"
#include "sdk/json.h"
#include "sdk/uuid.h"

namespace bf {

namespace {

TaskOutcome succeeded(const JobTask& task, std::string message) {
  return {task.seq, true, "", 200, std::move(message)};
}

TaskOutcome failed(const JobTask& task, int status, std::string code, std::string message) {
  return {task.seq, false, std::move(code), status, std::move(message)};
}

TaskAttempt run_lambda(const BatchWorld& world, const Job& job, const JobTask& task, const FunctionConfig* fn) {
  const LambdaInvokeSpec& spec = job.spec.operation.lambda;
  if (!fn)
    return {failed(task, 404, "ResourceNotFoundException", "Function not found: " + spec.function_arn), false};
  const std::string invocation_id = base64_encode(new_uuid());
  const std::string task_id = base64_encode(job.id + ":" + std::to_string(task.seq));
  const InvokeResult result = world.invoker.run(
      invocation_of(*fn, lambda_invocation_event(job, task, invocation_id, task_id), new_uuid(), "batch:" + job.id));
  switch (result.outcome) {
    case Outcome::Success:
      return read_lambda_answer(result.payload, task_id);
    case Outcome::Throttled:
      return {failed(task, 429, "TooManyRequestsException", "Rate Exceeded."), true};
    case Outcome::Timeout:
    case Outcome::FunctionError:
      break;
  }
  return {failed(task, 200, "PermanentFailure", "Lambda returned function error: " + result.payload), true};
}

// S3 answers an operation with an error: the report keeps its status, code and message.
TaskAttempt s3_failure(const JobTask& task, const S3Exception& e) {
  std::string message = e.what();
  if (const auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
  // Throttling and server errors are worth another try, as S3 Batch Operations retries them.
  const bool transient = e.status() >= 500 || e.status() == 429 || e.code() == "SlowDown";
  return {failed(task, e.status(), e.code(), message), transient};
}

TaskAttempt run_copy(const Job& job, const JobTask& task, S3Client& s3) {
  const CopySpec& spec = job.spec.operation.copy;
  CopyObjectOptions options;
  options.storage_class = spec.storage_class;
  options.source_version_id = task.version_id;
  options.metadata_directive = spec.metadata_directive;
  if (spec.metadata_directive == "REPLACE") {
    const ObjectMetadataSpec& m = spec.new_metadata;
    options.content_type = m.content_type;
    options.cache_control = m.cache_control;
    options.content_disposition = m.content_disposition;
    options.content_encoding = m.content_encoding;
    options.content_language = m.content_language;
    for (const auto& [k, v] : m.user_metadata) options.metadata[k] = v;
  }
  if (spec.has_new_tagging) options.tagging = spec.new_tagging;
  options.checksum_algorithm = spec.checksum_algorithm;
  const auto target = parse_s3_arn(spec.target_bucket_arn);
  const std::string target_bucket = target ? target->bucket : task.bucket;
  s3.copy_object(task.bucket, task.key, target_bucket, spec.target_key_prefix + task.key, options);
  return {succeeded(task, "Successful"), false};
}

TaskAttempt run_s3(const Job& job, const JobTask& task, S3Client& s3) {
  const JobOperation& op = job.spec.operation;
  try {
    if (op.name == "S3PutObjectCopy") return run_copy(job, task, s3);
    if (op.name == "S3PutObjectTagging") {
      s3.put_object_tagging(task.bucket, task.key, op.tags, task.version_id);
    } else if (op.name == "S3DeleteObjectTagging") {
      s3.delete_object_tagging(task.bucket, task.key, task.version_id);
    } else if (op.name == "S3InitiateRestoreObject") {
      RestoreRequest request;
      if (op.restore.expiration_days > 0) request.days = op.restore.expiration_days;
      request.tier = op.restore.tier == "BULK" ? "Bulk" : "Standard";
      request.version_id = task.version_id;
      s3.restore_object(task.bucket, task.key, request);
    } else {
      return {failed(task, 400, "InvalidRequest", "unsupported operation " + op.name), false};
    }
    return {succeeded(task, "Successful"), false};
  } catch (const S3Exception& e) {
    return s3_failure(task, e);
  } catch (const std::exception& e) {
    return {failed(task, 500, "InternalError", e.what()), true};
  }
}

}  // namespace

std::string lambda_invocation_event(const Job& job, const JobTask& task, const std::string& invocation_id,
                                    const std::string& task_id) {
  const LambdaInvokeSpec& spec = job.spec.operation.lambda;
  BatchJobEvent event;
  event.schema_version = spec.schema_version == "2.0" ? "2.0" : "1.0";
  event.invocation_id = invocation_id;
  event.job_id = job.id;
  if (event.schema_version == "2.0")
    for (const auto& [k, v] : spec.user_arguments) event.user_arguments[k] = v;
  event.tasks.push_back(BatchTask{task_id, task.bucket, task.key, task.version_id});
  return to_text(event.to_json());
}

TaskAttempt read_lambda_answer(const std::string& answer, const std::string& task_id) {
  JobTask none;
  const Json doc = Json::parse(answer, nullptr, false);
  if (!doc.is_object()) return {failed(none, 200, "PermanentFailure", "Invalid JSON returned in Lambda payload"), false};
  std::string missing_as = "PermanentFailure";
  if (const auto& t = doc.value("treatMissingKeysAs", Json()); t.is_string()) missing_as = t.get<std::string>();
  std::string code = missing_as, message;
  if (const auto& results = doc.value("results", Json()); results.is_array())
    for (const auto& r : results) {
      if (!r.is_object() || r.value("taskId", Json()) != task_id) continue;
      if (const auto& c = r.value("resultCode", Json()); c.is_string()) code = c.get<std::string>();
      if (const auto& s = r.value("resultString", Json()); s.is_string()) message = s.get<std::string>();
    }
  if (code == "Succeeded") return {succeeded(none, message), false};
  if (code == "TemporaryFailure") return {failed(none, 200, "TemporaryFailure", message), true};
  if (code == "PermanentFailure") return {failed(none, 200, "PermanentFailure", message), false};
  return {failed(none, 200, "PermanentFailure", "Invalid result code returned in Lambda payload: " + code), false};
}

TaskAttempt run_task(const BatchWorld& world, const Job& job, const JobTask& task, const FunctionConfig* function,
                     S3Client& s3) {
  TaskAttempt attempt =
      job.spec.operation.name == "LambdaInvoke" ? run_lambda(world, job, task, function) : run_s3(job, task, s3);
  attempt.outcome.seq = task.seq;
  return attempt;
}

}  // namespace bf
