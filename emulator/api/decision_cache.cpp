#include "emulator/api/decision_cache.h"

#include "emulator/base/lapsing_map.h"

namespace bf {

std::optional<AuthorizerDecision> DecisionCache::find(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto hit = decisions_.find(key);
  if (hit == decisions_.end() || hit->second.expires_ms <= now_ms) return std::nullopt;
  return hit->second;
}

void DecisionCache::remember(const std::string& key, AuthorizerDecision decision, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (!decisions_.contains(key))
    make_room_for_one(decisions_, kMaxEntries, now_ms,
                      [](const AuthorizerDecision& d) { return d.expires_ms; });
  decisions_[key] = std::move(decision);
}

std::size_t DecisionCache::size() {
  std::lock_guard lock(mu_);
  return decisions_.size();
}

}  // namespace bf
