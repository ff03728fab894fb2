// Random opaque ids for upload ids and version ids.
#pragma once
#include <cstddef>
#include <string>

namespace bf {

// URL-safe base64 of `random_bytes` random bytes ('.' and '_' for '+' and '/'), never starting
// with '-' or '.', so the id needs no escaping and a CLI never mistakes it for an option.
std::string random_opaque_id(std::size_t random_bytes);

}  // namespace bf
