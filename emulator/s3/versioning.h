// Bucket versioning: its state, the version ids it hands out, and the x-amz-version-id
// header, which a bucket that was never versioned never sends.
#pragma once
#include <string>

#include "emulator/s3/operation.h"
#include "emulator/s3/service.h"

namespace bf {

// The bucket config document the versioning status is kept in, and what a status means
// (absent: never versioned).
inline constexpr const char* kVersioningConfigName = "versioning";
Versioning versioning_from_status(const std::string* status);
// A fresh id for a version written while versioning is Enabled; "null" otherwise.
std::string version_id_for(Versioning versioning);
// Sets x-amz-version-id when the bucket has ever had versioning configured.
void set_version_header(Versioning versioning, const std::string& version_id, HttpResponse& res);


}  // namespace bf
