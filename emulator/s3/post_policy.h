// The POST policy document: expiration and conditions, checked against the form's fields.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "emulator/s3/s3_error.h"

namespace bf {

struct PostForm {
  // Field names lower-cased (S3 compares them case-insensitively); values as sent.
  std::map<std::string, std::string> fields;
  std::string bucket;
};

struct ContentLengthRange {
  std::uint64_t min = 0;
  std::uint64_t max = UINT64_MAX;
};

// Checks expiry, every condition, and that every submitted field is covered by one.
// Fills `range` from a content-length-range condition; the size is checked by the caller.
std::optional<S3Error> check_post_policy(const std::string& policy_json, const PostForm& form,
                                         std::int64_t now_ms, ContentLengthRange& range);

}  // namespace bf
