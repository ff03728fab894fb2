// AWS Signature Version 4: the one canonicalisation shared by the SDK's signer and the
// emulator's verifier. Pure functions; no I/O, no clock.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bf::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 unreserved characters kept, everything else %XX (uppercase hex); space is %20.
std::string uri_encode(std::string_view s, bool encode_slash);
// Percent-decodes; '+' is kept as '+'. Returns false on a malformed escape.
bool uri_decode(std::string_view s, std::string& out);

// Encodes each decoded name and value, sorts by name then value, joins with '&'.
std::string canonical_query_string(const Params& decoded_params);
// Lower-cases names, trims values and collapses inner runs of spaces, joins repeats with ','.
// Only the names in signed_headers (lower-case, sorted) are included. Returns the block with a
// trailing "\n" after each header, ready to be placed in the canonical request.
std::string canonical_headers(const Params& headers, const std::vector<std::string>& signed_headers);

struct RequestToSign {
  std::string method;
  std::string canonical_uri;  // already encoded, e.g. uri_encode(decoded_path, false) for S3
  Params query;               // decoded names/values; X-Amz-Signature must not be in here
  Params headers;             // as received (any case, repeats allowed)
  std::vector<std::string> signed_headers;  // lower-case, sorted
  std::string payload_hash;   // hex sha256, UNSIGNED-PAYLOAD or STREAMING-...
};

std::string canonical_request(const RequestToSign& req);
std::string scope(std::string_view date8, std::string_view region, std::string_view service);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
// Raw 32-byte key: HMAC chain over date, region, service, "aws4_request".
std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service);
std::string signature(std::string_view signing_key, std::string_view string_to_sign);  // hex

// aws-chunked: the per-chunk and trailer strings to sign.
std::string chunk_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view previous_signature,
                                 std::string_view chunk_sha256_hex);
std::string trailer_string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view previous_signature,
                                   std::string_view trailer_block);  // "name:value\n" lines

}  // namespace bf::sigv4
