// POST Object: browser uploads with an HTML form (multipart/form-data), authorised by a signed
// policy document (SigV4 form fields or the legacy AWSAccessKeyId/signature pair). The form is
// parsed as it streams; the file goes straight to a blob and is never held in memory.
#pragma once
#include <memory>

#include "emulator/auth/credentials.h"
#include "emulator/http/message.h"
#include "emulator/s3/operation.h"

namespace bf {

// Returns a response at once for a request that cannot be a form upload, else a sink.
Dispatch begin_post_object(S3Context& context, const CredentialStore& credentials,
                           const HttpRequest& request, const Endpoint& endpoint,
                           std::shared_ptr<const BucketView> bucket);

}  // namespace bf
