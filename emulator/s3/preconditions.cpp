#include "emulator/s3/preconditions.h"

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

std::string trim_etag(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  if (b == std::string_view::npos) return {};
  s = s.substr(b, e - b + 1);
  if (s.starts_with("W/")) s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

}  // namespace

bool etag_matches(const std::string& header_value, const std::string& etag) {
  std::string_view rest = header_value;
  while (true) {
    auto comma = rest.find(',');
    std::string candidate = trim_etag(rest.substr(0, comma));
    if (candidate == "*" || candidate == etag) return true;
    if (comma == std::string_view::npos) return false;
    rest = rest.substr(comma + 1);
  }
}

std::optional<S3Error> evaluate_preconditions(const Headers& headers, const ObjectRecord& object,
                                              const ConditionHeaders& names, bool for_copy) {
  const std::int64_t modified_s = object.last_modified_ms / 1000;
  const std::string* if_match = find_header(headers, names.if_match);
  const std::string* if_none_match = find_header(headers, names.if_none_match);
  const std::string* if_modified = find_header(headers, names.if_modified_since);
  const std::string* if_unmodified = find_header(headers, names.if_unmodified_since);
  auto failed = [&](const char* condition) {
    return s3_error("PreconditionFailed").with("Condition", condition);
  };

  if (if_match) {
    if (!etag_matches(*if_match, object.etag)) return failed(names.if_match);
  } else if (if_unmodified) {
    const auto t = parse_http_date(*if_unmodified);
    if (t && modified_s > *t / 1000)
      return failed(names.if_unmodified_since);
  }
  if (if_none_match) {
    if (etag_matches(*if_none_match, object.etag))
      return for_copy ? failed(names.if_none_match) : s3_error("NotModified");
  } else if (if_modified) {
    const auto t = parse_http_date(*if_modified);
    if (t && modified_s <= *t / 1000)
      return for_copy ? failed(names.if_modified_since) : s3_error("NotModified");
  }
  return std::nullopt;
}

RangeResult parse_range(const std::string& header, std::uint64_t size, ByteRange& out) {
  std::string_view s = header;
  if (!s.starts_with("bytes=")) return RangeResult::Whole;
  s.remove_prefix(6);
  if (s.find(',') != std::string_view::npos) return RangeResult::Whole;  // multiple ranges
  auto dash = s.find('-');
  if (dash == std::string_view::npos) return RangeResult::Whole;
  const std::string_view first_text = s.substr(0, dash), last_text = s.substr(dash + 1);
  constexpr std::uint64_t kLargest = 9'999'999'999'999'999'999ULL;  // 19 digits; longer is ignored
  if (first_text.empty()) {
    auto suffix = parse_decimal(last_text, kLargest);
    if (!suffix) return RangeResult::Whole;
    std::uint64_t n = *suffix;
    if (n == 0 || size == 0) return RangeResult::Unsatisfiable;
    n = std::min(n, size);
    out = {size - n, n};
    return RangeResult::Partial;
  }
  const auto parsed_first = parse_decimal(first_text, kLargest);
  if (!parsed_first) return RangeResult::Whole;
  const std::uint64_t first = *parsed_first;
  std::uint64_t last = size ? size - 1 : 0;
  if (!last_text.empty()) {
    const auto parsed_last = parse_decimal(last_text, kLargest);
    if (!parsed_last) return RangeResult::Whole;
    last = *parsed_last;
    if (last < first) return RangeResult::Whole;  // syntactically invalid: ignored
    last = std::min(last, size ? size - 1 : 0);
  }
  if (first >= size) return RangeResult::Unsatisfiable;
  out = {first, last - first + 1};
  return RangeResult::Partial;
}

}  // namespace bf
