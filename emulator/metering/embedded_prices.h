// The price tables of fixtures/prices/, built into the binary (see CMakeLists.txt), so the
// server prices usage with no file beside it.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace bf {

// (region, JSON text) for each fixtures/prices/<region>.json.
const std::vector<std::pair<std::string, std::string>>& embedded_price_tables();

}  // namespace bf
