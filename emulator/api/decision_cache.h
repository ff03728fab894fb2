// A Lambda authorizer's answers, kept for its TTL by authorizer and identity (as API Gateway's
// authorizer caching does), in bounded memory however many identities are tried.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "sdk/json.h"

namespace bf {

struct AuthorizerDecision {
  std::int64_t expires_ms = 0;
  bool allowed = false;
  Json context;
};

class DecisionCache {
 public:
  // Answers remembered at once; past it, lapsed answers go, then the one that lapses soonest.
  static constexpr std::size_t kMaxEntries = 10000;

  std::optional<AuthorizerDecision> find(const std::string& key, std::int64_t now_ms);
  void remember(const std::string& key, AuthorizerDecision decision, std::int64_t now_ms);
  std::size_t size();

 private:
  std::mutex mu_;
  std::map<std::string, AuthorizerDecision> decisions_;
};

}  // namespace bf
