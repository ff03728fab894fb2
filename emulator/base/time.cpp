#include "emulator/base/time.h"

#include <cstdio>
#include <ctime>

namespace bf {

namespace {

// Parses `text` with a strptime format; the rest of the text must be empty unless `prefix`.
std::optional<std::int64_t> parse_utc_ms(std::string_view text, const char* format, bool prefix) {
  const std::string s(text);
  std::tm tm{};
  const char* rest = strptime(s.c_str(), format, &tm);
  if (rest == nullptr || (!prefix && *rest != '\0')) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::string with_millis(std::int64_t epoch_ms, const char* format_to_seconds, const char* zone) {
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(((epoch_ms % 1000) + 1000) % 1000));
  return format_utc_ms(epoch_ms, format_to_seconds) + millis + zone;
}

}  // namespace

std::string format_utc_ms(std::int64_t epoch_ms, const char* format) {
  // Whole seconds, rounded down (also before 1970), straight to gmtime: a date a client sends
  // may lie centuries away, past what a nanosecond time_point can hold.
  const std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000 - (epoch_ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  if (gmtime_r(&secs, &tm) == nullptr) return {};
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

std::string iso8601_ms(std::int64_t epoch_ms) { return with_millis(epoch_ms, "%Y-%m-%dT%H:%M:%S", "Z"); }

std::string http_date(std::int64_t epoch_ms) { return format_utc_ms(epoch_ms, "%a, %d %b %Y %H:%M:%S GMT"); }

std::string sigv4_date(std::int64_t epoch_ms) { return format_utc_ms(epoch_ms, "%Y%m%dT%H%M%SZ"); }

std::string lambda_timestamp(std::int64_t epoch_ms) {
  return with_millis(epoch_ms, "%Y-%m-%dT%H:%M:%S", "+0000");
}

std::string request_time(std::int64_t epoch_ms) { return format_utc_ms(epoch_ms, "%d/%b/%Y:%H:%M:%S +0000"); }

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S", "%a %b %d %H:%M:%S %Y",
                             "%Y-%m-%dT%H:%M:%S"})
    if (auto ms = parse_utc_ms(text, format, true)) return ms;
  return std::nullopt;
}

std::optional<std::int64_t> parse_sigv4_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  return parse_utc_ms(text, "%Y%m%dT%H%M%SZ", false);
}

std::optional<std::int64_t> parse_iso8601_prefix(std::string_view text) {
  return parse_utc_ms(text, "%Y-%m-%dT%H:%M:%S", true);
}

}  // namespace bf
