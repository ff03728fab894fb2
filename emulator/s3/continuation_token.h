// The continuation tokens of ListObjectsV2 and ListBuckets: the last name a page listed,
// base64-encoded, opaque to clients.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "emulator/s3/s3_error.h"
#include "sdk/hash.h"

namespace bf {

inline std::string continuation_token(std::string_view last_listed) { return base64_encode(last_listed); }

// The name a token continues after into `after`; S3's error for a token it did not give. An
// empty token is the first page, as S3 takes it.
inline std::optional<S3Error> read_continuation_token(const std::string& token, std::string& after) {
  if (token.empty()) return std::nullopt;
  auto decoded = base64_decode(token);
  if (!decoded || decoded->empty())
    return s3_error("InvalidArgument", "The continuation token provided is incorrect")
        .with("ArgumentName", "continuation-token");
  after = std::move(*decoded);
  return std::nullopt;
}

}  // namespace bf
