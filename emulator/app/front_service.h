// The one port's router: /_bucketfire/ to the emulator's own endpoints, /_api and /_url/ to
// HTTP API routes and Function URLs, S3 Control requests ({account}.host, /v20180820/) to S3
// Control, Lambda API paths to the Lambda service, CloudWatch Logs (X-Amz-Target) to the logs
// service, the rest to S3.
#pragma once
#include "emulator/http/message.h"

namespace bf {

class FrontService final : public Service {
 public:
  FrontService(Service& s3, Service& lambda, Service& internal, Service& api, Service& s3control, Service& logs)
      : s3_(s3), lambda_(lambda), internal_(internal), api_(api), s3control_(s3control), logs_(logs) {}
  Dispatch begin(const HttpRequest& request) override;
  // Refusals before routing are worded as S3 words them: S3 is the port's default service.
  HttpResponse refuse(RequestRefusal why, const std::string& request_id) override {
    return s3_.refuse(why, request_id);
  }
  HttpResponse failed(const HttpRequest& request) override { return service_for(request).failed(request); }
  // S3 and HTTP API requests start or continue an X-Ray trace (HttpRequest::trace_header).
  void prepare(HttpRequest& request) override;
  // "S3" or "API" for the requests that are traced, nullptr for the rest.
  const char* traced_as(const HttpRequest& request);

 private:
  Service& service_for(const HttpRequest& request);

  Service& s3_;
  Service& lambda_;
  Service& internal_;
  Service& api_;
  Service& s3control_;
  Service& logs_;
};

}  // namespace bf
