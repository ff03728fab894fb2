// A small S3 client for handlers: SigV4-signed requests over any HttpTransport (HTTP or
// HTTPS to AWS or any S3-compatible endpoint, or the emulator's in-process path). Bodies can be
// streamed both ways; large files go up in parts. Transient failures (5xx, throttling, broken
// connections) are retried with jittered back-off. S3 errors are thrown as S3Exception.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sdk/http_transport.h"
#include "sdk/signer.h"

namespace bf {

class S3Exception : public std::runtime_error {
 public:
  S3Exception(int status, std::string code, const std::string& message, std::string request_id)
      : std::runtime_error(code + ": " + message), status_(status), code_(std::move(code)),
        request_id_(std::move(request_id)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }  // "NoSuchKey", "NotFound" (HEAD), ...
  const std::string& request_id() const { return request_id_; }

 private:
  int status_;
  std::string code_;
  std::string request_id_;
};

struct S3ClientOptions {
  EndpointUrl endpoint{true, "s3.us-east-1.amazonaws.com", "443"};
  bool path_style = false;  // virtual-hosted (bucket.host) unless set, or for dotted buckets
  std::string region = "us-east-1";
  AwsCredentials credentials;
  int max_attempts = 4;                               // first try included
  int retry_base_ms = 100;                            // back-off: random(0, base * 2^n), max 5 s
  std::uint64_t multipart_threshold = 64ull << 20;    // upload_file above this goes in parts
  std::uint64_t part_size = 16ull << 20;              // at least 5 MiB, as S3 requires

  // As the official SDKs resolve them: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  // AWS_SESSION_TOKEN, AWS_REGION (else AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_S3 (else
  // AWS_ENDPOINT_URL). A custom endpoint is addressed path-style unless
  // AWS_S3_ADDRESSING_STYLE=virtual; AWS itself virtual-hosted.
  static S3ClientOptions from_environment();
};

struct PutObjectOptions {
  std::string content_type;
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-*
  std::string storage_class;                    // x-amz-storage-class; S3's default when empty
  // Conditional writes (S3 answers 412 PreconditionFailed when they do not hold):
  std::string if_match;       // the quoted ETag the current object must have
  bool if_none_match = false; // create only: fail if the key exists
};

struct CopyObjectOptions {
  std::string storage_class;  // x-amz-storage-class of the copy
  std::string source_version_id;  // empty: the source's current version
  // COPY (S3's default) keeps the source's metadata; REPLACE takes the fields below.
  std::string metadata_directive;
  std::string content_type, cache_control, content_disposition, content_encoding, content_language;
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-*
  // When set, the copy's tags (x-amz-tagging, TaggingDirective REPLACE) instead of the source's.
  std::optional<std::vector<std::pair<std::string, std::string>>> tagging;
  std::string checksum_algorithm;  // x-amz-checksum-algorithm: the copy gets this checksum
};

using TagList = std::vector<std::pair<std::string, std::string>>;

// A URL anyone can use until it expires, without credentials. `headers` must be sent exactly
// as given (they are signed).
struct PresignedRequest {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What a browser form needs for a presigned POST: the action URL and the fields to send
// before the file, in this order.
struct PresignedPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> fields;
};

// The policy conditions of a presigned POST besides bucket, key and the signature fields.
struct PostConditions {
  std::string content_type;                     // exact Content-Type, when set
  std::uint64_t min_size = 0, max_size = 0;     // content-length-range, when max_size > 0
  std::map<std::string, std::string> metadata;  // exact x-amz-meta-* fields
};

struct PutObjectResult {
  std::string etag;  // quoted, as S3 returns it
  std::string version_id;
};

struct ObjectInfo {
  std::string etag;
  std::string version_id;
  std::string content_type;
  std::uint64_t size = 0;  // of the body received (a range) or, for HEAD, of the object
  std::map<std::string, std::string> metadata;
  std::string storage_class;   // x-amz-storage-class; empty for STANDARD
  std::string restore;         // x-amz-restore: ongoing-request="true", or "false" with expiry-date
  std::string archive_status;  // x-amz-archive-status: ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS
};

// RestoreObject's request: a temporary copy for `days` (none for Intelligent-Tiering, whose
// object moves back to Frequent Access), retrieved at `tier` (Expedited, Standard or Bulk).
struct RestoreRequest {
  std::optional<int> days;
  std::string tier = "Standard";
  std::string version_id = {};  // empty: the current version
};

// 202 Accepted: a restore started; 200 OK: an existing copy was extended or the object is
// already readable.
enum class RestoreStarted { Started, AlreadyRestored };

struct GetObjectResult {
  ObjectInfo info;
  std::string body;
};

struct ObjectSummary {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

struct ListPage {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive, as in "bytes=first-last"
};

// WriteGetObjectResponse: the route and token from the event's getObjectContext, the status
// and error the client gets, and the object's headers (sent as x-amz-fwd-header-{name}, user
// metadata as x-amz-meta-{name}).
struct WriteGetObjectResponseRequest {
  std::string route;
  std::string token;
  int status_code = 200;
  std::string error_code;
  std::string error_message;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Cache-Control", "max-age=60"}
  std::map<std::string, std::string> metadata;
};

class S3Client {
 public:
  // `before_call` runs before every attempt; a handler's context uses it to stop a call that
  // would start after the invocation's deadline.
  S3Client(std::shared_ptr<HttpTransport> transport, S3ClientOptions options,
           std::function<void()> before_call = {});
  // A client for the endpoint and credentials of the environment (see from_environment).
  static std::unique_ptr<S3Client> from_environment();

  void create_bucket(const std::string& bucket);

  // The body's CRC32 is sent (x-amz-checksum-crc32) and checked by S3.
  PutObjectResult put_object(const std::string& bucket, const std::string& key,
                             const std::string& body, const PutObjectOptions& options = {});
  // Streams the body (read twice: once for its SHA-256 and CRC32, once to send).
  PutObjectResult put_object(const std::string& bucket, const std::string& key,
                             std::shared_ptr<BodySource> body, const PutObjectOptions& options = {});
  // One PUT up to multipart_threshold, a multipart upload (aborted on failure) above it.
  PutObjectResult upload_file(const std::string& bucket, const std::string& key,
                              const std::string& path, const PutObjectOptions& options = {});

  GetObjectResult get_object(const std::string& bucket, const std::string& key,
                             std::optional<ByteRange> range = std::nullopt);
  // Streams the body to `sink` as it arrives.
  ObjectInfo get_object(const std::string& bucket, const std::string& key,
                        const std::function<void(std::string_view)>& sink,
                        std::optional<ByteRange> range = std::nullopt);
  ObjectInfo download_file(const std::string& bucket, const std::string& key, const std::string& path);
  // Streams to `sink` what a presigned GET URL names (an Object Lambda event's inputS3Url). The
  // URL carries its own signature; a host other than the endpoint's is reached directly.
  ObjectInfo get_presigned(const std::string& url, const std::function<void(std::string_view)>& sink);

  ObjectInfo head_object(const std::string& bucket, const std::string& key);
  // RestoreObject (POST ?restore); a restore still running throws RestoreAlreadyInProgress.
  RestoreStarted restore_object(const std::string& bucket, const std::string& key,
                                const RestoreRequest& request);
  void delete_object(const std::string& bucket, const std::string& key);
  // PutObjectTagging / DeleteObjectTagging of the current version, or of `version_id`.
  void put_object_tagging(const std::string& bucket, const std::string& key, const TagList& tags,
                          const std::string& version_id = "");
  void delete_object_tagging(const std::string& bucket, const std::string& key,
                             const std::string& version_id = "");
  // Server-side copy; returns the new object's quoted ETag.
  std::string copy_object(const std::string& source_bucket, const std::string& source_key,
                          const std::string& bucket, const std::string& key,
                          const CopyObjectOptions& options = {});

  // Presigned URLs and forms, signed with the client's credentials for its endpoint. No
  // request is made. `headers` (e.g. content-type, content-length) become signed headers.
  PresignedRequest presign(const std::string& method, const std::string& bucket, const std::string& key,
                           std::chrono::seconds expires,
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  PresignedPost presigned_post(const std::string& bucket, const std::string& key, std::chrono::seconds expires,
                               const PostConditions& conditions,
                               std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  ListPage list_objects_v2(const std::string& bucket, const std::string& prefix = "",
                           const std::string& continuation_token = "", int max_keys = 1000,
                           const std::string& delimiter = "");
  // Every key under `prefix`, following continuation tokens.
  std::vector<ObjectSummary> list_all(const std::string& bucket, const std::string& prefix = "");

  // S3 Object Lambda: the answer to the GetObject an event's getObjectContext names, sent to
  // {route}.{endpoint} (s3-object-lambda.{region}.amazonaws.com on AWS) and signed for
  // s3-object-lambda. A status of 400 or more with an error code answers with that error.
  void write_get_object_response(const WriteGetObjectResponseRequest& response, const std::string& body);
  // The same with a body streamed from `body` (sent as it is read, never whole in memory).
  void write_get_object_response(const WriteGetObjectResponseRequest& response, std::shared_ptr<BodySource> body);

  // Sent as X-Amzn-Trace-Id on every request (carries the event lineage).
  void set_trace_header(std::string value) { trace_header_ = std::move(value); }

 private:
  OutgoingRequest request(const std::string& method, const std::string& bucket,
                          const std::string& key) const;
  // Signs for `service` (nullptr: the request is presigned already) and sends it through `via`
  // (the client's own transport when null), retrying what S3 says may be retried.
  HttpReply call(OutgoingRequest request, const char* service = "s3", HttpTransport* via = nullptr);
  void send_write_get_object_response(const WriteGetObjectResponseRequest& response,
                                      const std::function<void(OutgoingRequest&)>& add_body);
  PutObjectResult multipart_upload(const std::string& bucket, const std::string& key,
                                   const std::string& path, std::uint64_t size,
                                   const PutObjectOptions& options);
  static ObjectInfo info_from(const HttpReply& reply);

  std::shared_ptr<HttpTransport> transport_;
  S3ClientOptions options_;
  std::function<void()> before_call_;
  std::string trace_header_;
};

// A BodySource over a byte range of a file.
std::shared_ptr<BodySource> file_body(const std::string& path, std::uint64_t offset = 0,
                                      std::optional<std::uint64_t> length = std::nullopt);

}  // namespace bf
