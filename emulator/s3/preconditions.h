// HTTP conditional headers as S3 evaluates them for GET/HEAD and for copy sources.
#pragma once
#include <optional>
#include <string>

#include "emulator/http/message.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/object_store.h"

namespace bf {

// True when `header_value` (a comma list of quoted or bare ETags, or "*") names `etag`.
bool etag_matches(const std::string& header_value, const std::string& etag);

struct ConditionHeaders {
  const char* if_match;
  const char* if_none_match;
  const char* if_modified_since;
  const char* if_unmodified_since;
};
inline constexpr ConditionHeaders kGetConditions{"If-Match", "If-None-Match", "If-Modified-Since",
                                                 "If-Unmodified-Since"};
inline constexpr ConditionHeaders kCopySourceConditions{
    "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
    "x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since"};

// PreconditionFailed (412) or NotModified (304), or nothing when the request may proceed.
// Copy sources answer 412 where a GET would answer 304.
std::optional<S3Error> evaluate_preconditions(const Headers& headers, const ObjectRecord& object,
                                              const ConditionHeaders& names, bool for_copy);

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

enum class RangeResult { Whole, Partial, Unsatisfiable };
// Parses "bytes=a-b", "bytes=a-", "bytes=-n". Anything else is ignored (whole object), as S3 does.
RangeResult parse_range(const std::string& header, std::uint64_t size, ByteRange& out);

}  // namespace bf
