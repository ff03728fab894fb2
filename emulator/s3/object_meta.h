// An object's metadata as S3 stores and reports it: the standard content headers, user
// metadata, tags, storage class and checksum. Kept as JSON in the store's `meta` column.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/http/message.h"
#include "emulator/s3/archive.h"
#include "emulator/s3/s3_error.h"
#include "sdk/checksum.h"

namespace bf {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// How an object is encrypted at rest, as S3 reports it. Every object is (AWS has encrypted
// every new object with SSE-S3 since January 2023); bucketfire records and answers the
// settings but encrypts nothing.
struct Encryption {
  std::string algorithm = "AES256";  // AES256, aws:kms or aws:kms:dsse
  std::string kms_key_id;            // a KMS key's ARN, for the aws:kms algorithms
  bool bucket_key = false;           // S3 Bucket Key enabled (aws:kms only)
};

struct ObjectMeta {
  Pairs headers;  // Content-Type, Content-Encoding, ... with their canonical names
  Pairs user;     // x-amz-meta-* as sent (name lower-cased, without the prefix)
  Pairs tags;
  std::string owner;
  std::string checksum_algorithm;  // "CRC32", ... or empty
  std::string checksum_value;      // base64; "…-N" for composite multipart checksums
  std::string checksum_type;       // FULL_OBJECT or COMPOSITE
  int parts_count = 0;
  // A multipart object's parts, in order, as runs of equal sizes ({size, count}: most uploads
  // are many equal parts and a last one), for GET/HEAD ?partNumber and GetObjectAttributes.
  std::vector<std::pair<std::uint64_t, int>> part_runs;
  // Each part's own checksum in checksum_algorithm, as raw digests one after another (base64 of
  // the concatenation: one short string rather than a list, since GET reads this document);
  // empty when the upload had no checksum algorithm or a part lacked one.
  std::string part_checksums;
  std::string upload_id;  // the multipart upload that made it: a repeated Complete answers again
  Encryption encryption;
  Pairs acl;  // grants besides the owner's FULL_CONTROL (see acl.h)
  std::string access_tier;  // Intelligent-Tiering's archive tiers (ARCHIVE_ACCESS, ...); empty otherwise
  std::optional<RestoreState> restore;  // the latest restore of an archived object, until it lapses
  // When a lifecycle transition moved the object to its class (0: it was written there, at
  // Last-Modified). A class's minimum storage duration counts from it.
  std::int64_t class_since_ms = 0;

  // Where part `number` (1-based) starts and how long it is; nullopt past the last part.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> part_span(int number) const;
  // Part `number`'s checksum (base64) in checksum_algorithm; nullopt when not kept.
  std::optional<std::string> part_checksum(int number) const;

  std::string to_json() const;
  static ObjectMeta from_json(const std::string& json);
};

inline const char* kDefaultContentType = "binary/octet-stream";

// Reads Content-Type & co. and x-amz-meta-* from a request (PutObject, CopyObject REPLACE,
// CreateMultipartUpload).
void read_meta_headers(const Headers& headers, ObjectMeta& meta);
// Writes them back as response headers (GET/HEAD).
void write_meta_headers(const ObjectMeta& meta, HttpResponse& res);

// Validates x-amz-storage-class; empty means STANDARD.
std::optional<S3Error> read_storage_class(const Headers& headers, std::string& storage_class);

// "k1=v1&k2=v2" (x-amz-tagging) -> pairs, validated as S3 does (≤ 10 tags, key ≤ 128, value ≤ 256).
std::optional<S3Error> parse_tagging_header(const std::string& value, Pairs& tags);
std::optional<S3Error> validate_tags(const Pairs& tags);
// A <Tagging><TagSet> document (PutObjectTagging, PutBucketTagging, a POST form's `tagging`
// field) -> pairs, not yet validated.
std::optional<S3Error> parse_tag_set_xml(const std::string& text, Pairs& tags);
// The <Tagging> document of these tags.
std::string tag_set_xml(const Pairs& tags);

}  // namespace bf
