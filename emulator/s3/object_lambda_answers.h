// What the client of a HeadObject, ListObjects or ListObjectsV2 through an Object Lambda access
// point gets from the JSON its function returned. AWS documents the shapes: statusCode, with
// errorCode and errorMessage for an error; `headers` (and `metadata`) for HeadObject; for the
// listings either `listResultXml`, passed on as it is, or `listBucketResult`, written out as
// S3's ListBucketResult. Anything else is LambdaInvalidResponse.
#pragma once
#include <string>
#include <string_view>

#include "emulator/http/message.h"

namespace bf {

// `operation` is "HeadObject", "ListObjects" or "ListObjectsV2"; `request_id` the client's.
HttpResponse object_lambda_answer(std::string_view operation, std::string_view payload, const std::string& request_id);

}  // namespace bf
