// Small helpers for S3's XML: an escaping writer for responses, pugixml for request bodies.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace bf::xml {

inline constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

std::string escape(std::string_view text);

// Appends <name>escaped value</name>.
void element(std::string& out, std::string_view name, std::string_view value);
inline void element(std::string& out, std::string_view name, const char* value) {
  element(out, name, std::string_view(value));
}
inline void element(std::string& out, std::string_view name, const std::string& value) {
  element(out, name, std::string_view(value));
}
void element(std::string& out, std::string_view name, std::uint64_t value);
void element(std::string& out, std::string_view name, bool value);

}  // namespace bf::xml
