// The JSON value handlers take and return. Ordered, so documents keep AWS's field order when
// they are written back out.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace bf {
using Json = nlohmann::ordered_json;

// Serialises without throwing: invalid UTF-8 in a string (a key or message from outside)
// is written as U+FFFD instead of aborting the caller.
template <typename J>
std::string to_text(const J& value, int indent = -1) {
  return value.dump(indent, ' ', false, J::error_handler_t::replace);
}
}  // namespace bf
