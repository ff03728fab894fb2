// The Accept header a client sends through the reference pipeline's Object Lambda access point:
// whatever it holds, the reencode function gets one of the formats it writes, and AVIF only
// where it can write AVIF.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "handlers/pipeline/image_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view accept(reinterpret_cast<const char*>(data), size);
  for (bool avif : {true, false}) {
    const bf::pipeline::ThumbnailFormat format = bf::pipeline::format_for_accept(accept, avif);
    const bool known = format.name == "jpeg" || format.name == "webp" || (avif && format.name == "avif");
    if (!known || format.content_type != "image/" + format.name) std::abort();
  }
  return 0;
}
