// X-Ray's trace header and ids, and the traces bucketfire keeps. A header reads
// "Root=1-{8 hex: epoch seconds}-{24 hex};Parent={16 hex: the calling segment};Sampled=1",
// with the Lineage field Lambda adds for recursion detection. Segments are kept as X-Ray's
// segment documents (JSON), by trace, for GET /_bucketfire/traces.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sdk/json.h"

namespace bf {

struct TraceHeader {
  std::string root;
  std::string parent;
  std::string sampled;
  std::string lineage;

  // Fields absent from `header` stay empty; unknown ones are ignored.
  static TraceHeader parse(std::string_view header);
  std::string format() const;
};

std::string new_trace_root();   // "1-{8 hex seconds now}-{24 random hex}"
std::string new_segment_id();   // 16 random hex

// What bucketfire records of a segment, cheap to keep (every request makes one); written out
// as X-Ray's segment document only when read.
struct TraceSegment {
  std::string trace_id, id, parent_id;  // parent_id "" for a trace's first segment
  std::string name, origin;             // "S3" / "AWS::S3", a function's name / "AWS::Lambda::Function"
  double start_time = 0, end_time = 0;  // epoch seconds
  bool error = false, fault = false;
  // A request's method, path, status and AWS operation; an invocation's trigger, attempt,
  // outcome and error; both their request id.
  std::string method, url, operation, request_id, trigger, outcome, error_type, error_message;
  int status = 0, attempt = 0;

  // X-Ray's segment document: trace_id, id, parent_id, name, origin, start_time, end_time,
  // http, aws, annotations, error/fault and cause.
  Json document(const std::string& region, const std::string& account_id) const;
};

// The segments of the most recent traces (at most `max_traces`; the oldest trace goes first).
class TraceStore {
 public:
  TraceStore(std::string region, std::string account_id, std::size_t max_traces = 1000)
      : region_(std::move(region)), account_id_(std::move(account_id)), max_traces_(max_traces) {}
  void add(TraceSegment segment);
  // The trace's segment documents in the order they were added; empty when unknown.
  std::vector<Json> segments(const std::string& trace_id) const;
  struct Summary {
    std::string id;
    double start = 0, end = 0;
    std::size_t segments = 0;
    bool error = false, fault = false;
  };
  std::vector<Summary> recent(std::size_t limit) const;  // newest first

 private:
  std::string region_;
  std::string account_id_;
  std::size_t max_traces_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<TraceSegment>> by_trace_;
  std::deque<std::string> order_;  // trace ids, oldest first
};

}  // namespace bf
