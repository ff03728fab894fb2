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
// Sets it on the answer to PutObject, a POST form or CompleteMultipartUpload: only while
// versioning is Enabled, since S3 answers these writes to a Suspended bucket without the
// "null" version's id (CopyObject, which does answer it, uses set_version_header).
void set_written_version_header(Versioning versioning, const std::string& version_id, HttpResponse& res);


}  // namespace bf
