// The HTTP API's token buckets: a flood of new clients cannot lift the limit of one that is
// being throttled.
#include <gtest/gtest.h>

#include <string>

#include "emulator/api/route_limits.h"

namespace bf {
namespace {

TEST(RateLimiter, AFloodOfNewClientsKeepsAThrottledClientThrottled) {
  RateLimiter limiter;
  int retry_after_s = 0;
  const std::int64_t now = 1000000;
  // 1 request per second, burst 2: the third request at once is refused.
  EXPECT_TRUE(limiter.take("route|10.0.0.1", 1, 2, now, retry_after_s));
  EXPECT_TRUE(limiter.take("route|10.0.0.1", 1, 2, now, retry_after_s));
  EXPECT_FALSE(limiter.take("route|10.0.0.1", 1, 2, now, retry_after_s));
  // Many more clients than are remembered, each with a burst it has used up, at the same moment.
  for (std::size_t i = 0; i < RateLimiter::kMaxBuckets + 1000; ++i) {
    const std::string key = "route|flood-" + std::to_string(i);
    limiter.take(key, 1, 2, now, retry_after_s);
  }
  EXPECT_FALSE(limiter.take("route|10.0.0.1", 1, 2, now, retry_after_s));
  EXPECT_EQ(retry_after_s, 1);
  // A second later the client has a token again.
  EXPECT_TRUE(limiter.take("route|10.0.0.1", 1, 2, now + 1000, retry_after_s));
}

}  // namespace
}  // namespace bf
