// Routing is a pure function: (method, target, Host, headers) -> the S3 operation and its
// bucket and key, path-style or virtual-hosted. Names are AWS's operation names.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/http/message.h"
#include "emulator/http/target.h"
#include "emulator/s3/s3_error.h"
#include "sdk/sigv4.h"

namespace bf {

// The target as sent ("/bucket/key", or "/key" when virtual-hosted) and what it names.
struct Endpoint : RequestTarget {
  std::string operation;  // "PutObject", "ListObjectsV2", ...; unknown ones are still named
  std::string bucket;     // empty for service-level operations
  std::string key;        // decoded; empty for bucket-level operations
  bool virtual_hosted = false;
  std::string access_point;   // the access point the request came through ("" for none)
  std::string object_lambda;  // the Object Lambda access point it came through ("" for none)
};

struct RouterOptions {
  // Host names that address the service itself; "<bucket>.<base>" is virtual-hosted style.
  std::vector<std::string> base_hosts;
};

RouterOptions default_router_options(const std::string& region);

// Returns the endpoint, or an S3 error for a target that cannot be parsed at all.
std::variant<Endpoint, S3Error> route_s3(const HttpRequest& request, const RouterOptions& options);

}  // namespace bf
