#include "emulator/http/message.h"

#include <unistd.h>

#include <cctype>

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

}  // namespace bf
