// Per-route request rules in front of a function (the stand-in for CloudFront + WAF): body
// size, content types, required headers and query parameters, a token-bucket rate limit per
// client IP and route, and IP allow/deny lists. A refusal names the rule that fired.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/http/message.h"

namespace bf {

struct RouteLimits {
  std::uint64_t max_body = 10 * 1024 * 1024;  // HTTP API's payload limit
  std::vector<std::string> content_types;     // allowed media types; empty allows any
  std::vector<std::string> required_headers;
  std::vector<std::string> required_query;
  double requests_per_second = 0;  // 0: no rate limit
  int burst = 0;                   // bucket size; defaults to max(1, requests_per_second)
  std::vector<std::string> allow_ips;  // addresses or IPv4 CIDR blocks; empty allows all
  std::vector<std::string> deny_ips;
  int timeout_seconds = 30;  // HTTP API's integration timeout
};

struct Refusal {
  HttpResponse response;
  std::string rule;  // "max_body", "content_types", "rate_limit", ... for the log
};

// Token buckets by (route, client IP).
class RateLimiter {
 public:
  // True when a token was taken; otherwise `retry_after_s` says when one will be there.
  bool take(const std::string& key, double rate, int burst, std::int64_t now_ms, int& retry_after_s);
  // Clients remembered at once; past it, the one closest to a full bucket is forgotten.
  static constexpr std::size_t kMaxBuckets = 10000;

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ms = 0;
    std::int64_t full_ms = 0;  // when it will hold its whole burst again
  };
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

bool ip_matches(const std::string& ip, const std::string& pattern);  // "10.1.2.3", "10.0.0.0/8"

std::optional<Refusal> check_limits(const RouteLimits& limits, const std::string& route_key,
                                    const HttpRequest& request, const std::string& body,
                                    RateLimiter& limiter, std::int64_t now_ms);

}  // namespace bf
