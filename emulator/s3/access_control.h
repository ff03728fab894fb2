// Who may do what to a bucket beyond holding valid credentials: the bucket policy (an explicit
// Deny refuses anyone; an Allow to "*" admits anonymous callers), Block Public Access, and ACLs
// where Object Ownership leaves them on. Unsigned requests are anonymous: admitted only so.
#pragma once
#include <optional>
#include <string>

#include "emulator/auth/verify.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/router.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/object_store.h"

namespace bf {

// The action a bucket policy names an operation by ("s3:GetObject" for GetObject and
// HeadObject, "s3:ListBucket" for the listings, "s3:PutObject" for every write of an object's
// bytes, ...).
std::string policy_action(const std::string& operation);

// Nullopt when the request may go on; AccessDenied otherwise (NoSuchBucket for an anonymous
// request to a bucket that does not exist, as S3 answers it). `caller` is null for an
// anonymous request. Reads the object only for an anonymous read that only its ACL could allow.
std::optional<S3Error> authorize(const HttpRequest& request, const Endpoint& endpoint, const BucketView* bucket,
                                 const Credentials* caller, ObjectStore& objects);

}  // namespace bf
