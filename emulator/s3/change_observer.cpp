#include "emulator/s3/change_observer.h"

namespace bf {

EventOrigin event_origin(const HttpRequest& request, const Credentials* principal) {
  EventOrigin o;
  o.request_id = request.request_id;
  o.source_ip = request.remote_ip;
  o.principal_id = principal ? "AWS:" + principal->access_key : "anonymous";
  if (const auto* trace = request.header("X-Amzn-Trace-Id")) o.trace_header = *trace;
  return o;
}

}  // namespace bf
