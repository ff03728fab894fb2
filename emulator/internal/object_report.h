// GET /_bucketfire/objects?bucket=B[&prefix=P][&start-after=K][&limit=N]: every object of a
// bucket with what S3's API does not show in one place: its storage class, its access tier
// and its restore state, as the server's clock sees them now. For tests, the console and the
// cost report. With `download_url`, each object also has a "download" URL: a presigned GET
// that saves the object as a file, so the console downloads with a signature like any client.
#pragma once
#include <functional>
#include <string>

#include "emulator/base/clock.h"
#include "emulator/http/message.h"
#include "emulator/http/target.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"

namespace bf {

using DownloadUrl = std::function<std::string(const std::string& bucket, const std::string& key)>;

HttpResponse object_report(BucketStore& buckets, ObjectStore& objects, const Clock& clock,
                           const RequestTarget& target, const DownloadUrl& download_url = {});

}  // namespace bf
