// Bucket naming rules (general purpose buckets), as AWS enforces them, and a bucket's ARN.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "emulator/s3/s3_error.h"

namespace bf {
std::optional<S3Error> validate_bucket_name(const std::string& name);

inline constexpr std::string_view kBucketArnPrefix = "arn:aws:s3:::";
inline std::string bucket_arn(std::string_view bucket) { return std::string(kBucketArnPrefix).append(bucket); }

// The bucket and key an S3 ARN names: "arn:aws:s3:::bucket" (key empty) or
// "arn:aws:s3:::bucket/key". Nothing for any other ARN or an empty bucket.
struct S3ArnParts {
  std::string bucket;
  std::string key;
};
inline std::optional<S3ArnParts> parse_s3_arn(std::string_view arn) {
  if (!arn.starts_with(kBucketArnPrefix)) return std::nullopt;
  arn.remove_prefix(kBucketArnPrefix.size());
  const auto slash = arn.find('/');
  S3ArnParts parts{std::string(arn.substr(0, slash)),
                   slash == std::string_view::npos ? std::string() : std::string(arn.substr(slash + 1))};
  if (parts.bucket.empty()) return std::nullopt;
  return parts;
}
}
