// The JSON a function and the job runner read from each other: the S3 event, the Batch
// Operations payload and the Object Lambda event a handler parses (the SDK's parsers), and the
// answer to a Batch task the runner reads back. Each is read or refused with a reason, and what
// is read writes back to what reads the same.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "emulator/batch/task_execution.h"
#include "sdk/batch_event.h"
#include "sdk/object_lambda_event.h"
#include "sdk/s3_event.h"

namespace {

bool same_tasks(const bf::BatchJobEvent& a, const bf::BatchJobEvent& b) {
  if (a.tasks.size() != b.tasks.size()) return false;
  for (std::size_t i = 0; i < a.tasks.size(); ++i) {
    const auto &x = a.tasks[i], &y = b.tasks[i];
    if (x.task_id != y.task_id || x.bucket != y.bucket || x.key != y.key || x.version_id != y.version_id) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const bf::Json doc = bf::Json::parse(input, nullptr, false);
  if (!doc.is_discarded()) {
    try {
      const bf::S3Event event = bf::S3Event::from_json(doc);
      const bf::Json written = event.to_json();
      if (bf::S3Event::from_json(written).to_json() != written) std::abort();
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).empty()) std::abort();
    }
    try {
      const bf::BatchJobEvent event = bf::BatchJobEvent::from_json(doc);
      const bf::BatchJobEvent again = bf::BatchJobEvent::from_json(event.to_json());
      if (again.schema_version != event.schema_version || again.job_id != event.job_id ||
          again.invocation_id != event.invocation_id || !same_tasks(event, again) ||
          (event.schema_version == "2.0" && again.user_arguments != event.user_arguments))
        std::abort();
      (void)bf::batch_response(event, {{"t", "Succeeded", input}});
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).empty()) std::abort();
    }
  }
  if (!doc.is_discarded()) {
    try {
      const bf::ObjectLambdaEvent event = bf::ObjectLambdaEvent::from_json(doc);
      const bf::Json written = event.to_json();
      if (bf::ObjectLambdaEvent::from_json(written).to_json() != written) std::abort();
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).empty()) std::abort();
    }
  }
  // A function's answer: any text gives an outcome with a code, never a throw.
  const bf::TaskAttempt attempt = bf::read_lambda_answer(input, "dGFzaw==");
  if (!attempt.outcome.succeeded && attempt.outcome.error_code.empty()) std::abort();
  return 0;
}
