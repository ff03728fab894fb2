#include "emulator/s3/xml.h"

#include <cstdio>

namespace bf::xml {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default:
        // XML 1.0 cannot carry other control characters at all; S3 escapes them the same way.
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "&#%d;", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

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
