// Bucket naming rules (general purpose buckets), as AWS enforces them.
#pragma once
#include <optional>
#include <string>

#include "emulator/s3/s3_error.h"

namespace bf {
std::optional<S3Error> validate_bucket_name(const std::string& name);
}
