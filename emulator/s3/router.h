// Routing is a pure function: (method, target, Host, headers) -> the S3 operation and its
// bucket and key, path-style or virtual-hosted. Names are AWS's operation names.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/http/message.h"
#include "emulator/s3/s3_error.h"
#include "sdk/sigv4.h"

namespace bf {

struct Endpoint {
  std::string operation;  // "PutObject", "ListObjectsV2", ...; unknown ones are still named
  std::string bucket;     // empty for service-level operations
  std::string key;        // decoded; empty for bucket-level operations
  std::string path;       // decoded path as sent ("/bucket/key" or "/key" when virtual-hosted)
  std::string raw_path;   // path as sent, still percent-encoded
  sigv4::Params query;    // decoded query parameters in the order sent
  bool virtual_hosted = false;

  const std::string* query_param(std::string_view name) const;
  bool has_query(std::string_view name) const { return query_param(name) != nullptr; }
};

struct RouterOptions {
  // Host names that address the service itself; "<bucket>.<base>" is virtual-hosted style.
  std::vector<std::string> base_hosts;
};

RouterOptions default_router_options(const std::string& region);

// Splits "a=1&b&c=%20" into decoded pairs; '+' in the query means space.
bool parse_query(std::string_view query, sigv4::Params& out);

// Returns the endpoint, or an S3 error for a target that cannot be parsed at all.
std::variant<Endpoint, S3Error> route_s3(const HttpRequest& request, const RouterOptions& options);

}  // namespace bf
