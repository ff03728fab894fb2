// Small ASCII text helpers shared by the protocol code (HTTP names are ASCII-case-insensitive).
#pragma once
#include <string>
#include <string_view>

namespace bf {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace bf
