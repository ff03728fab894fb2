// The segments bucketfire records of each trace, as X-Ray's segment documents: an S3 or HTTP
// API request (from its arrival to its answer), and a function's invocation. Requests and
// invocations find their place through the trace header each carries (HttpRequest::
// trace_header, InvocationRecord::trace_header), so one upload's journey is one trace.
#pragma once
#include <string>

#include "emulator/base/trace.h"
#include "emulator/http/message.h"
#include "emulator/lambda/invocation_log.h"

namespace bf {

class Tracing {
 public:
  Tracing(std::string region, std::string account_id) : store_(std::move(region), std::move(account_id)) {}

  // `service` is "S3" or "API"; `milliseconds` from its arrival to its answer.
  void request_done(const char* service, const HttpRequest& request, const HttpResponse& response,
                    double milliseconds);
  void invocation_done(const InvocationRecord& record);
  TraceStore& store() { return store_; }

 private:
  TraceStore store_;
};

}  // namespace bf
