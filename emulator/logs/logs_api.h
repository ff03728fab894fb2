// The CloudWatch Logs API subset that the tools use to read functions' logs, on the server's
// port: DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents,
// PutRetentionPolicy and DeleteRetentionPolicy. JSON 1.1 protocol: POST / with
// X-Amz-Target: Logs_20140328.<Operation>, signed for the "logs" service; errors as
// {"__type": ..., "message": ...} with status 400.
#pragma once
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
  LogsApi(LogStore& store, LogRecorder& recorder, const CredentialStore& credentials, std::string region,
          std::string account_id, const Clock& signing_clock = real_clock());
  Dispatch begin(const HttpRequest& request) override;
  // The operation named by the request's target, with its (authenticated) JSON body.
  HttpResponse handle(const HttpRequest& request, const std::string& body);
  // One operation ("FilterLogEvents") on a JSON body, once the request is authenticated:
  // its answer, or CloudWatch Logs' error (status 400).
  HttpResponse operate(const std::string& operation, const std::string& body, const std::string& request_id);

 private:
  Json describe_log_groups(const Json& in);
  Json describe_log_streams(const Json& in);
  Json get_log_events(const Json& in);
  Json filter_log_events(const Json& in);
  Json put_retention_policy(const Json& in);
  Json delete_retention_policy(const Json& in);
  std::string group_arn(const std::string& group) const;

  LogStore& store_;
  LogRecorder& recorder_;
  const CredentialStore& credentials_;
  std::string region_;
  std::string account_id_;
  const Clock& signing_clock_;
};

}  // namespace bf
