// What a handler sees of its invocation: ids, limits, the deadline, its environment, a log,
// and an S3 client. The same type is filled by the emulator and by the Runtime API loop on AWS.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sdk/batch_event.h"
#include "sdk/json.h"
#include "sdk/s3_client.h"
#include "sdk/s3_event.h"

namespace bf {

struct InvocationInfo {
  std::string request_id;
  std::string function_name;
  std::string function_arn;
  std::string function_version = "$LATEST";
  int memory_limit_mb = 128;
  std::chrono::system_clock::time_point deadline;
  std::string trace_id;  // "Root=1-...;Parent=...;Sampled=1[;Lineage=...]"
  std::string log_group;
  std::string log_stream;
  std::map<std::string, std::string> environment;
};

// Where a handler's log lines go (the function's log stream).
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(std::string_view line) = 0;
};

// Thrown by SDK calls made after the invocation's deadline, so a timed-out handler stops at
// its next call.
class TimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throw this to choose the errorType Lambda reports (other exceptions report their type name).
class FunctionError : public std::runtime_error {
 public:
  FunctionError(std::string type, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }

 private:
  std::string type_;
};

class Context {
 public:
  using S3Factory = std::function<std::unique_ptr<S3Client>(const Context&)>;

  Context(InvocationInfo info, LogSink& log, S3Factory s3_factory);

  const std::string& request_id() const { return info_.request_id; }
  const std::string& function_name() const { return info_.function_name; }
  const std::string& function_arn() const { return info_.function_arn; }
  const std::string& function_version() const { return info_.function_version; }
  int memory_limit_mb() const { return info_.memory_limit_mb; }
  std::chrono::system_clock::time_point deadline() const { return info_.deadline; }
  const std::string& trace_id() const { return info_.trace_id; }
  std::chrono::milliseconds remaining_time() const;

  // The function's environment variable, or `fallback`.
  std::string env(const std::string& name, const std::string& fallback = "") const;

  void log(std::string_view message);

  // The S3 client, created on first use. Its calls throw TimeoutError once the deadline passed.
  S3Client& s3();

  // Throws TimeoutError when the deadline has passed.
  void check_deadline() const;

 private:
  InvocationInfo info_;
  LogSink& log_;
  S3Factory s3_factory_;
  std::unique_ptr<S3Client> s3_;
};

// A handler: a plain function of (event, context) returning JSON or throwing.
using Handler = std::function<Json(const Json& event, Context& context)>;

// Adapts a typed S3 handler: the event is parsed into an S3Event first. An asynchronous
// invocation record (what a destination receives) stands for the S3 event it carries in
// "requestPayload", so a handler can be chained after another with on_success.
Handler s3_handler(std::function<Json(const S3Event&, Context&)> typed);
// Adapts a function that also serves S3 Batch Operations: a LambdaInvoke job's payload goes
// to `batch`, anything else to `s3` as s3_handler would pass it.
Handler s3_or_batch_handler(std::function<Json(const S3Event&, Context&)> s3,
                            std::function<Json(const BatchJobEvent&, Context&)> batch);
// The S3 event in `event`: itself, or the request payload of an invocation record.
const Json& s3_event_of(const Json& event);

// "std::runtime_error" for a thrown exception's dynamic type; FunctionError gives its own.
std::string error_type_name(const std::exception& e);

}  // namespace bf
