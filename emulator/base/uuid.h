// Random (version 4) UUIDs, the form Lambda uses for request ids.
#pragma once
#include <string>

namespace bf {
std::string new_uuid();
}  // namespace bf
