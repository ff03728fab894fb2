// FilterLogEvents' filterPattern as a client sends it, then the rest of the input as a log
// message: a pattern is read or refused with a reason, and matching never fails.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emulator/logs/filter_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\n');
  const std::string_view text = input.substr(0, split);
  const std::string_view message = split == std::string_view::npos ? input : input.substr(split + 1);
  auto parsed = bf::FilterPattern::parse(text);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    if (why->empty()) std::abort();
    return 0;
  }
  (void)std::get<bf::FilterPattern>(parsed).matches(message);
  return 0;
}
