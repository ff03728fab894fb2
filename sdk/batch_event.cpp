#include "sdk/batch_event.h"

#include <stdexcept>

#include "sdk/s3_event.h"
#include "sdk/sigv4.h"

namespace bf {

namespace {

constexpr std::string_view kBucketArnPrefix = "arn:aws:s3:::";

std::string text(const Json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end()) throw std::invalid_argument(where + "." + name + " is missing");
  if (!it->is_string()) throw std::invalid_argument(where + "." + name + " is not a string");
  return it->get<std::string>();
}

// A string that may be null or absent: "" then.
std::string nullable_text(const Json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::invalid_argument(where + "." + name + " is not a string");
  return it->get<std::string>();
}

BatchTask task_from_json(const Json& t, bool v2) {
  const std::string where = "tasks[]";
  if (!t.is_object()) throw std::invalid_argument(where + " is not an object");
  BatchTask task;
  task.task_id = text(t, "taskId", where);
  if (v2) {
    task.bucket = text(t, "s3Bucket", where);
  } else {
    const std::string arn = text(t, "s3BucketArn", where);
    if (!arn.starts_with(kBucketArnPrefix)) throw std::invalid_argument(where + ".s3BucketArn is not a bucket ARN");
    task.bucket = arn.substr(kBucketArnPrefix.size());
  }
  task.key = decode_event_key(text(t, "s3Key", where));
  task.version_id = nullable_text(t, "s3VersionId", where);
  return task;
}

}  // namespace

Json BatchJobEvent::to_json() const {
  const bool v2 = schema_version == "2.0";
  Json job{{"id", job_id}};
  if (v2) {
    Json arguments = Json::object();
    for (const auto& [k, v] : user_arguments) arguments[k] = v;
    job["userArguments"] = user_arguments.empty() ? Json() : arguments;
  }
  Json list = Json::array();
  for (const auto& task : tasks) {
    Json t{{"taskId", task.task_id},
           {"s3Key", sigv4::uri_encode(task.key, false)},
           {"s3VersionId", task.version_id.empty() ? Json() : Json(task.version_id)}};
    if (v2)
      t["s3Bucket"] = task.bucket;
    else
      t["s3BucketArn"] = std::string(kBucketArnPrefix) + task.bucket;
    list.push_back(std::move(t));
  }
  return Json{{"invocationSchemaVersion", schema_version},
              {"invocationId", invocation_id},
              {"job", std::move(job)},
              {"tasks", std::move(list)}};
}

BatchJobEvent BatchJobEvent::from_json(const Json& event) {
  if (!event.is_object()) throw std::invalid_argument("event is not an object");
  BatchJobEvent out;
  out.schema_version = text(event, "invocationSchemaVersion", "event");
  if (out.schema_version != "1.0" && out.schema_version != "2.0")
    throw std::invalid_argument("event.invocationSchemaVersion is neither 1.0 nor 2.0");
  out.invocation_id = text(event, "invocationId", "event");
  const Json job = event.value("job", Json::object());
  if (!job.is_object()) throw std::invalid_argument("event.job is not an object");
  out.job_id = text(job, "id", "event.job");
  if (auto it = job.find("userArguments"); it != job.end() && !it->is_null()) {
    if (!it->is_object()) throw std::invalid_argument("event.job.userArguments is not an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) throw std::invalid_argument("event.job.userArguments." + k + " is not a string");
      out.user_arguments[k] = v.get<std::string>();
    }
  }
  auto tasks = event.find("tasks");
  if (tasks == event.end() || !tasks->is_array()) throw std::invalid_argument("event.tasks is not an array");
  for (const auto& t : *tasks) out.tasks.push_back(task_from_json(t, out.schema_version == "2.0"));
  return out;
}

bool BatchJobEvent::matches(const Json& event) {
  return event.is_object() && event.contains("invocationSchemaVersion") && event.contains("tasks") &&
         event.at("tasks").is_array();
}

Json batch_response(const BatchJobEvent& event, const std::vector<BatchTaskResult>& results,
                    const std::string& treat_missing_keys_as) {
  Json list = Json::array();
  for (const auto& r : results)
    list.push_back(Json{{"taskId", r.task_id}, {"resultCode", r.result_code}, {"resultString", r.result_string}});
  return Json{{"invocationSchemaVersion", event.schema_version},
              {"treatMissingKeysAs", treat_missing_keys_as},
              {"invocationId", event.invocation_id},
              {"results", std::move(list)}};
}

}  // namespace bf
