#include "sdk/context.h"

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>

namespace bf {

Context::Context(InvocationInfo info, LogSink& log, S3Factory s3_factory)
    : info_(std::move(info)), log_(log), s3_factory_(std::move(s3_factory)) {}

std::chrono::milliseconds Context::remaining_time() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(info_.deadline -
                                                                    std::chrono::system_clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

std::string Context::env(const std::string& name, const std::string& fallback) const {
  auto it = info_.environment.find(name);
  return it == info_.environment.end() ? fallback : it->second;
}

void Context::log(std::string_view message) { log_.write(message); }

void Context::check_deadline() const {
  if (std::chrono::system_clock::now() >= info_.deadline)
    throw TimeoutError("the invocation's deadline has passed");
}

S3Client& Context::s3() {
  check_deadline();
  if (!s3_) {
    s3_ = s3_factory_(*this);
    s3_->set_trace_header(info_.trace_id);
  }
  return *s3_;
}

const Json& s3_event_of(const Json& event) {
  // A Lambda destination delivers an invocation record; the S3 event is its request payload.
  if (!event.contains("Records") && event.contains("requestPayload")) return event["requestPayload"];
  return event;
}

Handler s3_handler(std::function<Json(const S3Event&, Context&)> typed) {
  return [typed = std::move(typed)](const Json& event, Context& ctx) {
    return typed(S3Event::from_json(s3_event_of(event)), ctx);
  };
}

Handler s3_or_batch_handler(std::function<Json(const S3Event&, Context&)> s3,
                            std::function<Json(const BatchJobEvent&, Context&)> batch) {
  return [s3 = std::move(s3), batch = std::move(batch)](const Json& event, Context& ctx) {
    if (BatchJobEvent::matches(event)) return batch(BatchJobEvent::from_json(event), ctx);
    return s3(S3Event::from_json(s3_event_of(event)), ctx);
  };
}

std::string error_type_name(const std::exception& e) {
  if (const auto* f = dynamic_cast<const FunctionError*>(&e)) return f->type();
  const char* mangled = typeid(e).name();
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : mangled;
  std::free(demangled);
  return name;
}

}  // namespace bf
