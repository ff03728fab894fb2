// AWS Signature Version 2 for S3 (HMAC-SHA1), still used by presigned URLs of boto3/aws CLI v1
// in us-east-1 and by s3cmd. Pure functions shared by signer and verifier.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bf::sigv2 {

using Params = std::vector<std::pair<std::string, std::string>>;

// The canonicalized resource: "/bucket/key" (path as sent, still encoded), plus the
// sub-resources S3 signs (acl, uploads, uploadId, partNumber, versionId, tagging, delete,
// response-content-type, ... ) sorted, with their decoded values.
std::string canonical_resource(std::string_view bucket_and_encoded_key, const Params& decoded_query);

// StringToSign = METHOD\nContent-MD5\nContent-Type\nDate-or-Expires\nCanonicalizedAmzHeaders
//                CanonicalizedResource. `headers` as received; x-amz-* are lower-cased, sorted,
//                repeats joined with ','. For presigned URLs pass Expires as date_or_expires.
std::string string_to_sign(std::string_view method, std::string_view content_md5,
                           std::string_view content_type, std::string_view date_or_expires,
                           const Params& headers, std::string_view canonical_resource);

std::string signature(std::string_view secret, std::string_view string_to_sign);  // base64

// The date line of a header-signed request: the Date header, or the empty string when an
// x-amz-date header is present (S3 then ignores Date; x-amz-date is signed as an amz header).
std::string date_for_signing(const Params& headers);

}  // namespace bf::sigv2
