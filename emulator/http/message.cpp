#include "emulator/http/message.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

namespace bf {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t HttpResponse::body_size() const {
  if (auto* s = std::get_if<std::string>(&body)) return s->size();
  return std::get<FileRange>(body).length;
}

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t prefix = std::random_device{}();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX",
                static_cast<unsigned long long>((prefix << 32) ^ ++counter));
  return buf;
}

}  // namespace bf
