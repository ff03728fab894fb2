// gzip for inventory files: S3 Inventory writes its CSV data files gzipped, and a generated
// manifest is written the same way.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bf {

std::string gzip_compress(std::string_view text);
// Nothing when the bytes are not gzip or would inflate past `limit`.
std::optional<std::string> gzip_decompress(std::string_view bytes, std::size_t limit);

}  // namespace bf
