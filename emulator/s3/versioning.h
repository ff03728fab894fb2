// Bucket versioning: its state, the version ids it hands out, and the x-amz-version-id
// header, which a bucket that was never versioned never sends.
#pragma once
#include <string>

#include "emulator/s3/operation.h"
#include "emulator/s3/service.h"

namespace bf {

Versioning bucket_versioning(BucketStore& buckets, const std::string& bucket);
// A fresh id for a version written while versioning is Enabled; "null" otherwise.
std::string version_id_for(Versioning versioning);
// Sets x-amz-version-id when the bucket has ever had versioning configured.
void set_version_header(Versioning versioning, const std::string& version_id, HttpResponse& res);


}  // namespace bf
