#include "emulator/app/tracing.h"

#include <chrono>

namespace bf {

void Tracing::request_done(const char* service, const HttpRequest& request, const HttpResponse& response,
                           double milliseconds) {
  if (request.trace_header.empty()) return;
  const TraceHeader own = TraceHeader::parse(request.trace_header);
  const double end = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const bool s3 = service[0] == 'S';
  TraceSegment segment;
  segment.trace_id = own.root;
  segment.id = own.parent;
  segment.parent_id = request.trace_caller;
  segment.name = s3 ? "S3" : "HttpApi";
  segment.origin = s3 ? "AWS::S3" : "AWS::ApiGateway::Stage";
  segment.start_time = end - milliseconds / 1000;
  segment.end_time = end;
  segment.method = request.method;
  segment.url = request.target.substr(0, request.target.find('?'));
  segment.status = response.status;
  segment.operation = response.operation;
  segment.request_id = request.request_id;
  segment.fault = response.status >= 500;
  segment.error = response.status >= 400 && response.status < 500;
  store_.add(std::move(segment));
}

void Tracing::invocation_done(const InvocationRecord& record) {
  if (record.trace_header.empty()) return;  // it never ran (throttled, stopped, ...)
  const TraceHeader own = TraceHeader::parse(record.trace_header);
  TraceSegment segment;
  segment.trace_id = own.root;
  segment.id = own.parent;
  segment.parent_id = record.trace_caller;
  segment.name = record.function;
  segment.origin = "AWS::Lambda::Function";
  segment.start_time = record.started_us ? static_cast<double>(record.started_us) / 1e6
                                         : static_cast<double>(record.time_ms) / 1000 - record.duration_ms / 1000;
  segment.end_time = segment.start_time + record.duration_ms / 1000;
  segment.request_id = record.request_id;
  segment.trigger = record.trigger;
  segment.attempt = record.attempt;
  segment.outcome = record.status;
  if (record.status != "Success") {
    (record.status == "Timeout" ? segment.fault : segment.error) = true;
    segment.error_type = record.error_type;
    segment.error_message = record.error_message;
  }
  store_.add(std::move(segment));
}

}  // namespace bf
