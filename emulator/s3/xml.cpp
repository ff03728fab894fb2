#include "emulator/s3/xml.h"

#include <ctime>
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

std::string iso8601_ms(std::int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

std::string http_date(std::int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool parse_http_date(std::string_view text, std::int64_t& epoch_ms) {
  std::string s(text);
  std::tm tm{};
  const char* formats[] = {"%a, %d %b %Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S", "%a %b %d %H:%M:%S %Y",
                           "%Y-%m-%dT%H:%M:%S"};
  for (const char* f : formats) {
    tm = {};
    if (strptime(s.c_str(), f, &tm)) {
      epoch_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
      return true;
    }
  }
  return false;
}

}  // namespace bf::xml
