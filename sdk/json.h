// The JSON value handlers take and return. Ordered, so documents keep AWS's field order when
// they are written back out.
#pragma once
#include <nlohmann/json.hpp>

namespace bf {
using Json = nlohmann::ordered_json;
}  // namespace bf
