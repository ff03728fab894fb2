#include "emulator/s3/xml.h"

#include <cstdio>

#include "sdk/text.h"

namespace bf::xml {

std::string escape(std::string_view text) { return xml_escape(text); }

void element(std::string& out, std::string_view name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  out += escape(value);
  out += "</";
  out += name;
  out += '>';
}

void element(std::string& out, std::string_view name, std::uint64_t value) {
  element(out, name, std::string_view(std::to_string(value)));
}

void element(std::string& out, std::string_view name, bool value) {
  element(out, name, std::string_view(value ? "true" : "false"));
}

}  // namespace bf::xml
