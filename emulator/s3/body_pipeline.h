// The one path every request body takes: aws-chunked decoding, then MD5 / SHA-256 /
// x-amz-checksum-* computed as bytes stream by, then a blob file or a small in-memory
// document. Verification happens at the end, before the operation commits anything.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "emulator/http/message.h"
#include "emulator/s3/operation.h"

namespace bf {

enum class BodyDestination { Blob, Text };

struct BodyPlan {
  BodyDestination destination = BodyDestination::Blob;
  PayloadMode mode = PayloadMode::Unsigned;
  std::string expected_sha256;
  std::optional<ChunkSigning> signing;
  std::string content_md5;  // raw 16 bytes, if sent
  std::optional<ChecksumAlgorithm> header_checksum;
  std::string header_checksum_value;  // raw, if sent as a header
  std::optional<ChecksumAlgorithm> trailer_checksum;
  std::optional<std::uint64_t> decoded_length;  // x-amz-decoded-content-length
  std::optional<ChecksumAlgorithm> client_checksum;  // what to store with the object
};

// The one x-amz-checksum-<algorithm> value a request states, decoded: a header's, or a POST
// form's field of that name (`value_of` looks a lower-case name up). Nothing when none is
// stated; InvalidRequest for more than one or a malformed value.
struct StatedChecksum {
  ChecksumAlgorithm algorithm;
  std::string raw;
};
std::variant<std::optional<StatedChecksum>, S3Error> read_stated_checksum(
    const std::function<const std::string*(const std::string& name)>& value_of);
// BadDigest: the bytes' checksum is not the one stated.
S3Error checksum_mismatch(ChecksumAlgorithm algorithm);

// Validates the integrity headers of a request and decides how its body will be read.
std::variant<BodyPlan, S3Error> plan_body(const S3Request& req, BodyDestination destination);

using BodyHandler = std::function<S3Result(Body& body)>;

std::unique_ptr<BodySink> make_body_pipeline(BodyPlan plan, ObjectStore& objects,
                                             std::string request_id, std::string operation,
                                             BodyHandler on_complete);

}  // namespace bf
