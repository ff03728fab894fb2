// Small ASCII text helpers shared by the protocol code (HTTP names are ASCII-case-insensitive).
#pragma once
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bf {

// Text as XML character data or an attribute value: markup characters and line breaks as
// entities; other control characters (which XML 1.0 cannot carry) as S3 escapes them.
inline std::string xml_escape(std::string_view text) {
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

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// `value` without the spaces and tabs at either end.
inline std::string_view trim_blanks(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// The items of a comma-separated header value, trimmed of spaces and tabs, empty ones dropped.
inline std::vector<std::string> split_comma_list(std::string_view value) {
  std::vector<std::string> out;
  while (true) {
    auto comma = value.find(',');
    std::string_view item = trim_blanks(value.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

// A number written in decimal digits only (no sign, space or "0x", which stoll would take) and
// at most `max`; nullopt otherwise. For the numbers of headers and query strings.
inline std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max = UINT64_MAX) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// `t` in UTC with a strftime format: "%Y%m%dT%H%M%SZ" (SigV4), "%Y-%m-%dT%H:%M:%SZ" (ISO 8601).
inline std::string format_utc(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

}  // namespace bf
