#include "emulator/s3/opaque_id.h"

#include <random>

#include "sdk/hash.h"

namespace bf {

std::string random_opaque_id(std::size_t random_bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string raw;
  while (raw.size() < random_bytes) {
    std::uint64_t v = rng();
    raw.append(reinterpret_cast<const char*>(&v), std::min(sizeof v, random_bytes - raw.size()));
  }
  std::string id = base64_encode(raw);
  while (!id.empty() && id.back() == '=') id.pop_back();
  for (char& c : id) {
    if (c == '+') c = '.';
    if (c == '/') c = '_';
  }
  if (id.front() == '.' || id.front() == '_') id.front() = 'A';
  return id;
}

}  // namespace bf
