// Usage as AWS meters it, for the cost report. The edges that see it (S3 requests, Lambda
// invocations, HTTP API requests, lifecycle transitions) say what they used; the metering
// module dates it on the server's clock, totals it and keeps it.
#pragma once
#include <string_view>

namespace bf {

class UsageMeter {
 public:
  virtual ~UsageMeter() = default;
  // `usage_type` and `operation` as the Cost and Usage Report names them (lineItem/UsageType
  // without the region's prefix, lineItem/Operation: "Requests-Tier1", "PutObject"); both
  // together pick the price. `resource` is the bucket's or function's ARN; `quantity` is in
  // the usage type's own unit (requests, GB, GB-seconds).
  virtual void record(std::string_view usage_type, std::string_view operation, std::string_view resource,
                      double quantity) = 0;
};

}  // namespace bf
