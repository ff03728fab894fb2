#include "emulator/app/front_service.h"

#include "emulator/api/api_service.h"
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

}  // namespace bf
