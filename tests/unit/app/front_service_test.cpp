// The port's router: each request goes to one service, and when handling it throws, the 500 is
// worded by that same service (S3 XML for S3, Lambda's JSON for the Lambda API, the gateway's
// JSON for routes), not by S3 for everything.
#include <gtest/gtest.h>

#include <string>

#include "emulator/app/front_service.h"

namespace bf {
namespace {

// Answers every request, and every failure, with its own name.
class NamedService final : public Service {
 public:
  explicit NamedService(std::string name) : name_(std::move(name)) {}
  Dispatch begin(const HttpRequest&) override { return Dispatch{answer(), nullptr}; }
  HttpResponse failed(const HttpRequest&) override { return answer(); }

 private:
  HttpResponse answer() const {
    HttpResponse res;
    res.operation = name_;
    return res;
  }
  std::string name_;
};

HttpRequest request(std::string method, std::string target, std::string authorization = "", std::string host = "") {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  if (!authorization.empty()) req.headers.emplace_back("Authorization", std::move(authorization));
  if (!host.empty()) req.headers.emplace_back("Host", std::move(host));
  return req;
}

HttpRequest logs_request() {
  HttpRequest req = request("POST", "/");
  req.headers.emplace_back("X-Amz-Target", "Logs_20140328.FilterLogEvents");
  return req;
}

TEST(FrontService, AFailureIsWordedByTheServiceTheRequestWasFor) {
  NamedService s3("s3"), lambda("lambda"), internal("internal"), api("api"), s3control("s3control"), logs("logs");
  FrontService front(s3, lambda, internal, api, s3control, logs);
  const std::string lambda_scope =
      "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0";
  const std::string s3_scope =
      "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
  const struct {
    HttpRequest req;
    const char* service;
  } cases[] = {
      {request("GET", "/bucket/key"), "s3"},
      {request("GET", "/_bucketfire/invocations"), "internal"},
      {request("POST", "/_api/uploads"), "api"},
      {request("GET", "/_url/thumbnailer/"), "api"},
      {request("POST", "/2015-03-31/functions/f/invocations", lambda_scope), "lambda"},
      // A bucket named like the Lambda API's version, signed for S3, is S3's.
      {request("GET", "/2015-03-31/functions", s3_scope), "s3"},
      // S3 Control: the account in front of the host; a bucket of that name elsewhere is S3's.
      {request("GET", "/v20180820/jobs", s3_scope, "000000000000.localhost:4566"), "s3control"},
      {request("GET", "/v20180820/jobs", s3_scope, "bucket.localhost:4566"), "s3"},
      {request("GET", "/v20180820/jobs", s3_scope), "s3"},
      // CloudWatch Logs by its target header; Prometheus' unsigned scrape; a bucket named metrics.
      {logs_request(), "logs"},
      {request("GET", "/metrics"), "internal"},
      {request("GET", "/metrics?x=1"), "internal"},
      {request("GET", "/metrics", s3_scope), "s3"},
      {request("GET", "/metrics?X-Amz-Signature=0"), "s3"},
      {request("PUT", "/metrics"), "s3"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(front.failed(c.req).operation, c.service) << c.req.target;
    EXPECT_EQ(front.begin(c.req).response->operation, c.service) << c.req.target;
  }
}

}  // namespace
}  // namespace bf
