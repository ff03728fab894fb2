// The S3 Control API (rest-xml, signed for "s3", account in x-amz-account-id and in front of
// the host): Batch Operations jobs, access points and Object Lambda access points. Requests reach it at {account}.<endpoint host> — through
// the server as the client's HTTP proxy, or any name that resolves here.
//
// Every region answers on the one endpoint: a request signed for a region sees the jobs made
// there and the access points of that region's buckets (an Object Lambda access point's is its
// supporting access point's), as a regional S3 Control endpoint does.
#pragma once
#include <string>
#include <string_view>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/batch/job_runner.h"
#include "emulator/http/message.h"
#include "emulator/http/target.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "emulator/store/bucket_store.h"

namespace bf {

// True for requests meant for S3 Control: its API version's path, with the account in the
// x-amz-account-id header or as the first label of the host.
bool is_s3control_request(const HttpRequest& request);

class S3ControlService final : public Service {
 public:
  S3ControlService(JobRunner& jobs, AccessPoints& access_points, ObjectLambdaAccessPoints& object_lambda,
                   BucketStore& buckets, const CredentialStore& credentials, const Clock& clock, std::string region,
                   std::string account_id)
      : jobs_(jobs),
        access_points_(access_points),
        object_lambda_(object_lambda),
        buckets_(buckets),
        credentials_(credentials),
        clock_(clock),
        region_(std::move(region)),
        account_id_(std::move(account_id)) {}

  Dispatch begin(const HttpRequest& request) override;
  HttpResponse failed(const HttpRequest& request) override;

  // The whole request, once its body is in (public for the body sink).
  HttpResponse handle(const HttpRequest& request, const std::string& body);

 private:
  // `region`: the one the request was signed for.
  HttpResponse create_job(const HttpRequest& request, const std::string& body, const std::string& region);
  HttpResponse list_jobs(const HttpRequest& request, const RequestTarget& target, const std::string& region);
  HttpResponse describe_job(const HttpRequest& request, const std::string& id);
  HttpResponse update_priority(const HttpRequest& request, const RequestTarget& target, const std::string& id);
  HttpResponse update_status(const HttpRequest& request, const RequestTarget& target, const std::string& id);
  HttpResponse job_tagging(const HttpRequest& request, const std::string& body, const std::string& id);
  // access_point_requests.cpp: `rest` is what follows /v20180820/accesspoint.
  HttpResponse access_point_request(const HttpRequest& request, const RequestTarget& target,
                                    const std::string& body, std::string_view rest, const std::string& region);
  HttpResponse list_access_points(const HttpRequest& request, const RequestTarget& target, const std::string& region);
  // An access point lives in its bucket's region.
  std::string region_of(const AccessPoint& point) const;
  // object_lambda_requests.cpp: `rest` is what follows /v20180820/accesspointforobjectlambda.
  HttpResponse object_lambda_request(const HttpRequest& request, const RequestTarget& target,
                                     const std::string& body, std::string_view rest, const std::string& region);
  HttpResponse list_object_lambda_access_points(const HttpRequest& request, const RequestTarget& target,
                                                const std::string& region);
  // Nothing when the configuration's supporting access point lives in `region`; else the
  // refusal (it does not exist there).
  std::optional<S3Error> supporting_point_error(const ObjectLambdaConfiguration& configuration,
                                                const std::string& region) const;

  JobRunner& jobs_;
  AccessPoints& access_points_;
  ObjectLambdaAccessPoints& object_lambda_;
  BucketStore& buckets_;
  const CredentialStore& credentials_;
  const Clock& clock_;
  std::string region_;
  std::string account_id_;
};

}  // namespace bf
