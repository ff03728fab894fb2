// Server-side encryption as S3 has it since January 2023: every object is encrypted, with
// SSE-S3 unless the request or the bucket's default asks for SSE-KMS. bucketfire records the
// settings, answers them on every write and read, and encrypts nothing.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/operation.h"

namespace bf {

// The bucket config document the bucket's default encryption is kept in (absent: SSE-S3).
inline constexpr const char* kEncryptionConfigName = "encryption";

std::shared_ptr<const Encryption> encryption_from_document(const std::string& document);

// A PutBucketEncryption body; `region` makes a bare KMS key id into the ARN S3 answers.
std::variant<Encryption, S3Error> parse_encryption_xml(const std::string& text, const std::string& region);

// The encryption a new object gets: the request's x-amz-server-side-encryption headers, or the
// bucket's default. SSE-C is refused: S3 takes customer keys only over HTTPS.
std::optional<S3Error> read_encryption(const Headers& headers, const BucketView& bucket, Encryption& out);

// x-amz-server-side-encryption and, for KMS, the key id and bucket key headers.
void write_encryption_headers(const Encryption& encryption, HttpResponse& res);

}  // namespace bf
