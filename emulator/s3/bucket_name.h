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
}
