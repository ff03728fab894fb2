// The CloudWatch Logs API subset that the tools use to read functions' logs, on the server's
// port: DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents,
// PutRetentionPolicy and DeleteRetentionPolicy. JSON 1.1 protocol: POST / with
// X-Amz-Target: Logs_20140328.<Operation>, signed for the "logs" service; errors as
// {"__type": ..., "message": ...} with status 400.
//
// Every region answers on the one endpoint: a request signed for a region sees the log groups
// that live there (a function's group lives in the function's region) and no others.
#pragma once
#include <functional>
#include <string>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/http/message.h"
#include "emulator/logs/log_recorder.h"
#include "emulator/store/log_store.h"
#include "sdk/json.h"

namespace bf {

// Whether the request is for CloudWatch Logs (by its X-Amz-Target).
bool is_logs_request(const HttpRequest& request);

class LogsApi final : public Service {
 public:
  // The region a log group lives in ("/aws/lambda/{name}": its function's).
  using GroupRegion = std::function<std::string(const std::string& group)>;
  // `region`: where groups live when `group_region` is not given or does not know them.
  LogsApi(LogStore& store, LogRecorder& recorder, const CredentialStore& credentials, std::string region,
          std::string account_id, const Clock& signing_clock = real_clock(), GroupRegion group_region = {});
  Dispatch begin(const HttpRequest& request) override;
  // The operation named by the request's target, with its (authenticated) JSON body.
  HttpResponse handle(const HttpRequest& request, const std::string& body);
  // One operation ("FilterLogEvents") on a JSON body, once the request is authenticated, in
  // the region it was signed for (empty: the default): its answer, or CloudWatch Logs' error
  // (status 400).
  HttpResponse operate(const std::string& operation, const std::string& body, const std::string& request_id,
                       const std::string& region = "");

 private:
  std::string region_of(const std::string& group) const;
  Json describe_log_groups(const Json& in, const std::string& region);
  Json describe_log_streams(const Json& in, const std::string& region);
  Json get_log_events(const Json& in);
  Json filter_log_events(const Json& in);
  Json put_retention_policy(const Json& in);
  Json delete_retention_policy(const Json& in);
  std::string group_arn(const std::string& group, const std::string& region) const;

  LogStore& store_;
  LogRecorder& recorder_;
  const CredentialStore& credentials_;
  std::string region_;
  std::string account_id_;
  const Clock& signing_clock_;
  GroupRegion group_region_;
};

}  // namespace bf
