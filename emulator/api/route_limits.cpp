#include "emulator/api/route_limits.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>

#include "emulator/api/payload_v2.h"
#include "emulator/base/lapsing_map.h"
#include "emulator/http/target.h"
#include "sdk/text.h"

namespace bf {

namespace {

Refusal refuse(int status, const std::string& message, const std::string& rule) {
  return Refusal{gateway_error(status, message), rule};
}

}  // namespace

bool RateLimiter::take(const std::string& key, double rate, int burst, std::int64_t now_ms,
                       int& retry_after_s) {
  std::lock_guard lock(mu_);
  const double capacity = burst > 0 ? burst : std::max(1.0, rate);
  // A bucket that has filled up again is the same as no bucket; past that, a flood of clients
  // forgets the one closest to full, which changes least. Clearing all would hand every client
  // a full bucket, so a flood from many addresses would lift the limit.
  if (!buckets_.contains(key))
    make_room_for_one(buckets_, kMaxBuckets, now_ms, [](const Bucket& b) { return b.full_ms; });
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{capacity, now_ms, now_ms});
  Bucket& b = it->second;
  b.tokens = std::min(capacity, b.tokens + (now_ms - b.updated_ms) / 1000.0 * rate);
  b.updated_ms = now_ms;
  const bool taken = b.tokens >= 1.0;
  if (taken) b.tokens -= 1.0;
  b.full_ms = now_ms + static_cast<std::int64_t>(std::ceil((capacity - b.tokens) / rate * 1000.0));
  if (taken) return true;
  retry_after_s = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
  return false;
}

bool ip_matches(const std::string& ip, const std::string& pattern) {
  const auto slash = pattern.find('/');
  if (slash == std::string::npos) return ip == pattern;
  in_addr addr{}, net{};
  if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) return false;
  if (inet_pton(AF_INET, pattern.substr(0, slash).c_str(), &net) != 1) return false;
  const int bits = std::atoi(pattern.c_str() + slash + 1);
  if (bits < 0 || bits > 32) return false;
  const std::uint32_t mask = bits == 0 ? 0 : htonl(~std::uint32_t{0} << (32 - bits));
  return (addr.s_addr & mask) == (net.s_addr & mask);
}

std::optional<Refusal> check_limits(const RouteLimits& limits, const std::string& route_key,
                                    const HttpRequest& request, const std::string& body,
                                    RateLimiter& limiter, std::int64_t now_ms) {
  const std::string& ip = request.remote_ip;
  for (const auto& denied : limits.deny_ips)
    if (ip_matches(ip, denied)) return refuse(403, "Forbidden", "deny_ips");
  if (!limits.allow_ips.empty() &&
      std::none_of(limits.allow_ips.begin(), limits.allow_ips.end(),
                   [&](const std::string& p) { return ip_matches(ip, p); }))
    return refuse(403, "Forbidden", "allow_ips");
  if (body.size() > limits.max_body) return refuse(413, "Request Entity Too Large", "max_body");
  if (!limits.content_types.empty() && !body.empty()) {
    const std::string* type = request.header("Content-Type");
    const std::string media = type ? ascii_lower(type->substr(0, type->find(';'))) : "";
    if (std::none_of(limits.content_types.begin(), limits.content_types.end(),
                     [&](const std::string& t) { return ascii_lower(t) == media; }))
      return refuse(415, "Unsupported Media Type", "content_types");
  }
  std::vector<std::string> missing;
  for (const auto& h : limits.required_headers)
    if (!request.header(h)) missing.push_back(h);
  if (!limits.required_query.empty()) {
    sigv4::Params params;
    const auto question = request.target.find('?');
    if (question != std::string::npos) parse_query(request.target.substr(question + 1), params);
    for (const auto& q : limits.required_query)
      if (std::none_of(params.begin(), params.end(), [&](const auto& p) { return p.first == q; }))
        missing.push_back(q);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return refuse(400, "Missing required request parameters: [" + list + "]", "required");
  }
  if (limits.requests_per_second > 0) {
    int retry_after = 1;
    if (!limiter.take(route_key + "|" + ip, limits.requests_per_second, limits.burst, now_ms, retry_after)) {
      Refusal r = refuse(429, "Too Many Requests", "rate_limit");
      r.response.set_header("Retry-After", std::to_string(retry_after));
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace bf
