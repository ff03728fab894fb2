// Room in a bounded map whose entries lapse at a known time (cached answers, token buckets that
// fill up again): a flood of new keys must neither grow it without bound nor wipe it, since
// wiping would forget the entries that matter (a throttled client, a cached refusal).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>

namespace bf {

// Makes room for one more entry: when `map` holds `max_entries`, every entry lapsed by `now_ms`
// goes, and if it is still full, the one that lapses soonest (the least worth keeping).
// `lapses_at(value)` gives an entry's lapse time in the same milliseconds as `now_ms`.
template <typename Key, typename Value, typename LapsesAt>
void make_room_for_one(std::map<Key, Value>& map, std::size_t max_entries, std::int64_t now_ms,
                       LapsesAt lapses_at) {
  if (map.size() < max_entries) return;
  std::erase_if(map, [&](const auto& entry) { return lapses_at(entry.second) <= now_ms; });
  if (map.size() < max_entries) return;
  map.erase(std::min_element(map.begin(), map.end(), [&](const auto& a, const auto& b) {
    return lapses_at(a.second) < lapses_at(b.second);
  }));
}

}  // namespace bf
