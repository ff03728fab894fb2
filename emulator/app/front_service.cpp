#include "emulator/app/front_service.h"

#include <atomic>
#include <chrono>
#include <random>

#include "emulator/api/api_service.h"
#include "emulator/base/trace.h"
#include "emulator/lambda/lambda_api.h"
#include "emulator/logs/logs_api.h"
#include "emulator/s3control/s3control_service.h"

namespace bf {

namespace {

// A bucket may be named like a Lambda API version ("2015-03-31"): the credential scope
// says which service a signed request is for.
bool signed_for_s3(const HttpRequest& request) {
  if (const auto* auth = request.header("Authorization"))
    return auth->find("/s3/aws4_request") != std::string::npos ||
           auth->starts_with("AWS ");  // SigV2 is S3 only
  return request.target.find("%2Fs3%2Faws4_request") != std::string::npos ||
         request.target.find("/s3/aws4_request") != std::string::npos ||
         request.target.find("AWSAccessKeyId=") != std::string::npos;
}

// Prometheus scrapes GET /metrics unsigned; a bucket named "metrics" is listed by signed
// requests (or presigned ones), which still reach S3.
bool is_metrics_scrape(const HttpRequest& request) {
  if (request.method != "GET") return false;
  const std::string_view target = request.target;
  if (target != "/metrics" && !target.starts_with("/metrics?")) return false;
  return !request.header("Authorization") && target.find("Signature=") == std::string_view::npos;
}

// X-Ray's default sampling rule: the first request of each second, and 5% of the others.
bool sample_new_read() {
  static std::atomic<std::int64_t> sampled_second{0};
  const std::int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::int64_t last = sampled_second.load(std::memory_order_relaxed);
  if (last != second && sampled_second.compare_exchange_strong(last, second, std::memory_order_relaxed)) return true;
  thread_local std::minstd_rand rng{std::random_device{}()};
  return rng() % 100 < 5;
}

}  // namespace

Service& FrontService::service_for(const HttpRequest& request) {
  if (request.target.starts_with("/_bucketfire/") || is_metrics_scrape(request)) return internal_;
  if (is_api_path(request)) return api_;
  if (is_s3control_request(request)) return s3control_;
  if (is_logs_request(request)) return logs_;
  if (is_lambda_api_path(request) && !signed_for_s3(request)) return lambda_;
  return s3_;
}

Dispatch FrontService::begin(const HttpRequest& request) { return service_for(request).begin(request); }

const char* FrontService::traced_as(const HttpRequest& request) {
  Service& to = service_for(request);
  return &to == &s3_ ? "S3" : &to == &api_ ? "API" : nullptr;
}

void FrontService::prepare(HttpRequest& request) {
  if (!traced_as(request)) return;
  // The caller's trace (X-Amzn-Trace-Id, as SDKs and Lambda send it) is continued; without one
  // the request starts a trace. Its own segment is the parent of what it causes. Reads that
  // start a trace are sampled by X-Ray's default rule, so the GET path stays as fast as it was;
  // writes, which cause events and functions, are always traced.
  const std::string* header = request.header("X-Amzn-Trace-Id");
  if (!header && (request.method == "GET" || request.method == "HEAD") && !sample_new_read()) return;
  const TraceHeader caller = TraceHeader::parse(header ? std::string_view(*header) : std::string_view());
  TraceHeader own;
  own.root = caller.root.empty() ? new_trace_root() : caller.root;
  own.parent = new_segment_id();
  own.sampled = "1";
  own.lineage = caller.lineage;
  request.trace_header = own.format();
  request.trace_caller = caller.root.empty() ? "" : caller.parent;
}

}  // namespace bf
