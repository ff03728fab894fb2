// Lambda authorizer answers: a flood of new identities keeps the cache bounded without
// forgetting the answers still in force (clearing them all would invoke the authorizer again
// for every caller, and drop a cached refusal).
#include <gtest/gtest.h>

#include <string>

#include "emulator/api/decision_cache.h"

namespace bf {
namespace {

TEST(DecisionCache, AnswersAreKeptForTheirTtlOnly) {
  DecisionCache cache;
  cache.remember("auth\nalice", AuthorizerDecision{2000, true, Json{{"user", "alice"}}}, 1000);
  auto hit = cache.find("auth\nalice", 1999);
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->allowed);
  EXPECT_EQ(hit->context["user"], "alice");
  EXPECT_FALSE(cache.find("auth\nalice", 2000));
  EXPECT_FALSE(cache.find("auth\nbob", 1000));
}

TEST(DecisionCache, AFloodOfIdentitiesEvictsTheSoonestToLapseOnly) {
  DecisionCache cache;
  const std::int64_t now = 1000;
  // A refusal cached for long, then the cache filled with answers that lapse one by one.
  cache.remember("auth\nmallory", AuthorizerDecision{now + 300000, false, Json::object()}, now);
  for (std::size_t i = 1; i < DecisionCache::kMaxEntries; ++i)
    cache.remember("auth\nflood-" + std::to_string(i),
                   AuthorizerDecision{now + 1000 + static_cast<std::int64_t>(i), true, Json::object()}, now);
  ASSERT_EQ(cache.size(), DecisionCache::kMaxEntries);

  cache.remember("auth\nnewcomer", AuthorizerDecision{now + 60000, true, Json::object()}, now);
  EXPECT_EQ(cache.size(), DecisionCache::kMaxEntries);
  EXPECT_FALSE(cache.find("auth\nflood-1", now));  // the soonest to lapse made room
  EXPECT_TRUE(cache.find("auth\nflood-2", now));
  EXPECT_TRUE(cache.find("auth\nnewcomer", now));
  auto refusal = cache.find("auth\nmallory", now);
  ASSERT_TRUE(refusal);
  EXPECT_FALSE(refusal->allowed);

  // Once answers have lapsed, they are what goes.
  const std::int64_t later = now + 5000;
  cache.remember("auth\nlate", AuthorizerDecision{later + 60000, true, Json::object()}, later);
  EXPECT_LT(cache.size(), DecisionCache::kMaxEntries);
  EXPECT_TRUE(cache.find("auth\nmallory", later));
  EXPECT_TRUE(cache.find("auth\nlate", later));
}

TEST(DecisionCache, RememberingAKnownIdentityAgainEvictsNothing) {
  DecisionCache cache;
  for (std::size_t i = 0; i < DecisionCache::kMaxEntries; ++i)
    cache.remember("k" + std::to_string(i), AuthorizerDecision{5000, true, Json::object()}, 0);
  cache.remember("k0", AuthorizerDecision{9000, false, Json::object()}, 0);
  EXPECT_EQ(cache.size(), DecisionCache::kMaxEntries);
  EXPECT_TRUE(cache.find("k1", 0));
  EXPECT_FALSE(cache.find("k0", 0)->allowed);
}

}  // namespace
}  // namespace bf
