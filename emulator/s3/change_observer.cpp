#include "emulator/s3/change_observer.h"

namespace bf {

EventOrigin event_origin(const HttpRequest& request, const Credentials* principal) {
  EventOrigin o;
  o.request_id = request.request_id;
  o.source_ip = request.remote_ip;
  o.principal_id = principal ? "AWS:" + principal->access_key : "anonymous";
  // The request's own trace (its segment as the parent of what it causes), else what it carried.
  if (!request.trace_header.empty())
    o.trace_header = request.trace_header;
  else if (const auto* trace = request.header("X-Amzn-Trace-Id"))
    o.trace_header = *trace;
  return o;
}

}  // namespace bf
