// A function as the emulator knows it: what Lambda's GetFunctionConfiguration, event-invoke
// config, concurrency and recursion config describe, plus the in-process handler it runs.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/aws_account.h"
#include "emulator/lambda/arn.h"

namespace bf {

struct Destination {
  std::string arn;  // "arn:aws:lambda:...:function:name" or "arn:aws:s3:::bucket"; "" = none
  bool is_bucket() const { return arn.starts_with("arn:aws:s3:::"); }
  std::string bucket() const { return arn.substr(13); }
};

struct AsyncConfig {
  int maximum_retry_attempts = 2;             // 0-2
  int maximum_event_age_seconds = 21600;      // 60-21600
  Destination on_success;
  Destination on_failure;
  bool configured = false;                    // PutFunctionEventInvokeConfig was called
  double last_modified_s = 0;                 // epoch seconds, as the API reports it
};

// A Function URL's CORS settings (Lambda's Cors: AllowOrigins, AllowMethods, ...).
struct UrlCors {
  bool configured = false;
  std::vector<std::string> allow_origins;  // "*" or exact origins
  std::vector<std::string> allow_methods;  // "*" or methods
  std::vector<std::string> allow_headers;  // "*" or header names
  std::vector<std::string> expose_headers;
  int max_age = 0;
  bool allow_credentials = false;
};

struct FunctionConfig {
  std::string name;
  // The region it lives in (its ARN's, where ListFunctions shows it); the registry sets its
  // default (--region) when none is given. A name is unique across regions here.
  std::string region;
  std::string handler;  // a registered in-process handler; for external code, its _HANDLER
  // External code speaking the Runtime API (instead of an in-process handler): a command run
  // with /bin/sh -c, or a folder holding an executable `bootstrap`.
  std::string command;
  std::string code_path;
  bool external() const { return !command.empty() || !code_path.empty(); }
  std::string description;
  std::string runtime = "provided.al2023";
  int memory_mb = 128;   // 128-10240
  int timeout_s = 3;     // 1-900
  std::map<std::string, std::string> environment;
  std::optional<int> reserved_concurrency;
  AsyncConfig async;
  bool recursive_loop_allowed = false;  // RecursiveLoop: Terminate (default) or Allow
  std::optional<std::string> url_auth;  // a Function URL: "NONE" or "AWS_IAM"
  UrlCors url_cors;
  std::int64_t last_modified_ms = 0;
  std::string revision_id;
};


// Lambda's pattern for a FunctionName member (a name, a partial or a full ARN).
inline constexpr std::string_view kFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";

// The function name in a FunctionName member, or "" when it does not match the pattern.
std::string function_name_of(const std::string& member);

}  // namespace bf
