#include "emulator/s3/metadata_encoding.h"

#include <optional>

#include "emulator/http/message.h"
#include "sdk/hash.h"

namespace bf {

namespace {

void append_utf8(std::string& out, unsigned code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else {  // ISO-8859-1 reaches only U+00FF
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) append_utf8(out, c);
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One "=?charset?B|Q?text?=" word's text as UTF-8; nullopt if it is not one S3 would decode.
std::optional<std::string> decode_word(std::string_view word) {
  if (!word.starts_with("=?") || !word.ends_with("?=") || word.size() < 8) return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const auto q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?') return std::nullopt;
  const std::string_view charset = inner.substr(0, q1);
  const char encoding = inner[q1 + 1];
  const std::string_view text = inner.substr(q1 + 3);
  if (text.find('?') != std::string_view::npos) return std::nullopt;
  std::string bytes;
  if (encoding == 'B' || encoding == 'b') {
    auto decoded = base64_decode(text);
    if (!decoded) return std::nullopt;
    bytes = std::move(*decoded);
  } else if (encoding == 'Q' || encoding == 'q') {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        bytes += ' ';
      } else if (text[i] == '=') {
        if (i + 2 >= text.size()) return std::nullopt;
        const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        bytes += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        bytes += text[i];
      }
    }
  } else {
    return std::nullopt;
  }
  if (iequals(charset, "UTF-8") || iequals(charset, "US-ASCII")) return bytes;
  if (iequals(charset, "ISO-8859-1")) return latin1_to_utf8(bytes);
  return std::nullopt;
}

}  // namespace

std::string decode_metadata_value(std::string_view raw) {
  // Encoded-words separated by white space (which RFC 2047 drops between adjacent words).
  std::string decoded;
  bool all_words = false;
  for (std::size_t i = 0; i < raw.size();) {
    if (raw[i] == ' ' || raw[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t end = raw.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = raw.size();
    auto word = decode_word(raw.substr(i, end - i));
    if (!word) {
      all_words = false;
      break;
    }
    decoded += *word;
    all_words = true;
    i = end;
  }
  if (all_words) return decoded;
  return latin1_to_utf8(raw);
}

std::string encode_metadata_value(std::string_view stored) {
  for (unsigned char c : stored)
    if (c != '\t' && (c < 0x20 || c > 0x7e)) return "=?UTF-8?B?" + base64_encode(stored) + "?=";
  return std::string(stored);
}

}  // namespace bf
