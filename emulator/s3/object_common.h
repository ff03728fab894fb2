// Pieces shared by the operations that write objects (PutObject, CopyObject, multipart).
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "emulator/s3/object_meta.h"
#include "emulator/s3/operation.h"

namespace bf {

inline constexpr std::size_t kMaxKeyBytes = 1024;
inline constexpr std::size_t kMaxUserMetadataBytes = 2048;

// MetadataTooLarge when the x-amz-meta-* names and values exceed AWS's 2 KB.
std::optional<S3Error> check_user_metadata_size(const Headers& headers);

std::string quote_etag(const std::string& etag);
std::optional<S3Error> validate_key(const std::string& key);

// Checks of a new object's headers shared by PutObject, CopyObject and
// CreateMultipartUpload: key length, storage class, x-amz-tagging, encryption, ACL. The
// request's bucket exists (its view is set).
std::optional<S3Error> read_write_headers(const S3Request& req, WriteHeaders& out);
// The ACL (x-amz-acl / x-amz-grant-*) and encryption a new object's headers ask for, as its
// bucket takes them; a POST form's fields read the same way.
std::optional<S3Error> read_access_headers(const Headers& headers, const BucketView& bucket, Pairs& acl,
                                           Encryption& encryption);

// Adds x-amz-checksum-<alg> (and its type) for the object's stored checksum.
void write_checksum_headers(const ObjectMeta& meta, HttpResponse& res);

// Parses x-amz-copy-source ("/bucket/key" or "bucket/key", URL-encoded, optional
// ?versionId=null) into bucket and key.
// With `version` null, only "null" is accepted as a versionId; otherwise it is returned.
std::optional<S3Error> parse_copy_source(const std::string& header, std::string& bucket,
                                         std::string& key, std::string* version = nullptr);
// A copy source named through an access point, by its alias or as its ARN followed by
// "/object/{key}", names the access point's bucket and that key (AWS's access point form).
std::optional<S3Error> resolve_copy_source(const S3Context& ctx, std::string& bucket, std::string& key);

// If-None-Match: * and If-Match: "<etag>" on PutObject and CompleteMultipartUpload, checked
// inside the store's transaction so that of concurrent conditional writers exactly one wins.
std::variant<WriteCondition, S3Error> write_condition(const S3Request& req);
// The S3 error for a write refused by that condition.
S3Error write_condition_error(const Status& status, const std::string& key);

// A copy's source: the current object, or the named version (empty: current). NoSuchKey,
// NoSuchVersion, or InvalidRequest for a delete marker named by its version.
using OpenedObject = std::pair<ObjectRecord, std::shared_ptr<OpenFile>>;
std::variant<OpenedObject, S3Error> open_copy_source(S3Context& ctx, const std::string& bucket, const std::string& key,
                                                    const std::string& version);

// 403 InvalidObjectState when the object's bytes are archived and no restored copy is
// readable at `now_ms`: GetObject, and the source of CopyObject and UploadPartCopy.
std::optional<S3Error> archived_error(const ObjectRecord& object, const ObjectMeta& meta,
                                      std::int64_t now_ms);
// x-amz-restore for an object with a restore that has not lapsed (HEAD, GET).
void write_restore_header(const ObjectMeta& meta, std::int64_t now_ms, HttpResponse& res);

// x-amz-expiration: when the bucket's lifecycle rules expire the current object, and by which.
void write_expiration_header(const S3Request& req, const ObjectRecord& object,
                             const ObjectMeta& meta, HttpResponse& res);

// A read of an Intelligent-Tiering object's bytes (GET, or the source of a copy) is an access:
// it starts the days without access again and brings the object back to Frequent Access.
// Written at most once a day per object, since tiers move on whole days.
void record_tiering_access(ObjectStore& objects, const ObjectRecord& object, const ObjectMeta& meta,
                           std::int64_t now_ms);

// Copies `length` bytes of `source_fd` from `offset` into `writer`, computing their MD5
// (CopyObject of a multipart source, UploadPartCopy).
Status copy_with_md5(int source_fd, std::uint64_t offset, std::uint64_t length,
                     BlobWriter& writer, std::string& md5_raw);

}  // namespace bf
