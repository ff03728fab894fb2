// Every timestamp the emulator writes or reads, in the formats AWS uses, on one formatter
// (gmtime + strftime) and one parser (strptime + timegm). Times are milliseconds since the
// epoch, as the Clock gives them; any such value formats, however far from now.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bf {

// `epoch_ms` in UTC with a strftime format.
std::string format_utc_ms(std::int64_t epoch_ms, const char* format);

// "2025-01-02T03:04:05.000Z": S3 XML (LastModified, Initiated), event records.
std::string iso8601_ms(std::int64_t epoch_ms);
// "Thu, 02 Jan 2025 03:04:05 GMT": Last-Modified, Date, Expires headers.
std::string http_date(std::int64_t epoch_ms);
// "20250102T030405Z": SigV4's X-Amz-Date.
std::string sigv4_date(std::int64_t epoch_ms);
// "2025-01-02T03:04:05.000+0000": Lambda's FunctionConfiguration.LastModified.
std::string lambda_timestamp(std::int64_t epoch_ms);
// "02/Jan/2025:03:04:05 +0000": API Gateway's requestContext.time.
std::string request_time(std::int64_t epoch_ms);

// RFC 1123, RFC 850 and asctime dates (HTTP's three), and ISO 8601 without a zone.
std::optional<std::int64_t> parse_http_date(std::string_view text);
// "20250102T030405Z" exactly.
std::optional<std::int64_t> parse_sigv4_date(std::string_view text);
// "2025-01-02T03:04:05" followed by anything (fraction, "Z"): POST policy expirations.
std::optional<std::int64_t> parse_iso8601_prefix(std::string_view text);

}  // namespace bf
