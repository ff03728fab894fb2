// Random (version 4) UUIDs, the form Lambda uses for request ids (and the pipeline for upload ids).
#pragma once
#include <string>

namespace bf {
std::string new_uuid();
}  // namespace bf
