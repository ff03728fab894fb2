// What every S3 operation sees: the shared context, the parsed request, and (for operations
// that take one) the verified body. Operations return a response or an S3Error.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "emulator/auth/verify.h"
#include "emulator/base/clock.h"
#include "emulator/base/status.h"
#include "emulator/base/usage_meter.h"
#include "emulator/http/message.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/change_observer.h"
#include "emulator/s3/notification_config.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/router.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/bucket_store.h"
#include "emulator/store/object_store.h"
#include "sdk/checksum.h"

namespace bf {

class AccessPoints;
class ObjectLambdaAccessPoints;
struct ObjectLambdaWorld;

struct S3Context {
  BucketStore& buckets;
  ObjectStore& objects;
  const Clock& clock;
  std::string region;
  ChangeObserver* observer = nullptr;  // absent: writes fire no events
  FunctionLookup functions;        // validates notification destinations
  std::shared_ptr<BucketViews> views;  // set by the S3 service
  // What clients' own time stamps (signatures, POST policies) are checked against; null means
  // real time. `clock` is the stored world's time.
  const Clock* client_clock = nullptr;
  UsageMeter* meter = nullptr;  // absent: requests are not metered
  const AccessPoints* access_points = nullptr;  // absent: bucket names are only bucket names
  // Object Lambda access points and what their requests need (routes, invoking functions);
  // absent: none.
  const ObjectLambdaAccessPoints* object_lambda = nullptr;
  const ObjectLambdaWorld* object_lambda_world = nullptr;
  // CreateBucket leaves public access unblocked and ACLs on, as AWS did before April 2023.
  bool legacy_bucket_defaults = false;

  const Clock& signing_clock() const { return client_clock ? *client_clock : real_clock(); }
};

// A new object's headers as PutObject's precheck read them before the body, kept for the
// handler so they are parsed once.
struct WriteHeaders {
  std::string storage_class;
  Pairs tags;
  Encryption encryption;
  Pairs acl;                 // x-amz-acl / x-amz-grant-*: grants besides the owner's
  WriteCondition condition;  // If-Match / If-None-Match, checked again inside the commit
};

struct S3Request {
  const HttpRequest& http;
  Endpoint endpoint;
  AuthResult auth;
  std::shared_ptr<const BucketView> view;  // the addressed bucket as the request started; null if none
  std::optional<WriteHeaders> write;       // set by a precheck that reads a write's headers
  // The class an upload's parts are stored in, once an operation has read the upload; the
  // request is metered at it.
  std::string upload_class;

  const std::string* header(std::string_view name) const { return http.header(name); }
  const std::string& bucket() const { return endpoint.bucket; }
  const std::string& key() const { return endpoint.key; }
  const std::string& request_id() const { return http.request_id; }
  std::string owner() const { return auth.principal ? auth.principal->principal : "anonymous"; }
};

// A request body after decoding and verification: in a blob (objects, parts) or in memory
// (small XML documents).
struct Body {
  std::unique_ptr<BlobWriter> blob;
  std::string text;
  std::uint64_t size = 0;
  std::string md5;  // raw
  // Every checksum computed while streaming, raw big-endian; includes the one the client sent.
  std::map<ChecksumAlgorithm, std::string> checksums;
  std::optional<ChecksumAlgorithm> client_checksum;  // the algorithm the client asked for
};

using S3Result = Result<HttpResponse, S3Error>;

// Builds a response with the request id headers set.
HttpResponse make_response(const S3Request& req, int status = 200);
HttpResponse xml_response(const S3Request& req, std::string body, int status = 200);

// Converts a store failure into the S3 error a client should see.
S3Error internal_error(const Status& status);
S3Error no_such_bucket(const std::string& bucket);
S3Error no_such_key(const std::string& key);

// The events a write by this request causes (see ChangeObserver::events_for); empty when
// nothing listens.
ChangeEvents change_events(S3Context& ctx, const S3Request& req, const std::string& event_name);

// Content-MD5 or an x-amz-checksum-* header (or trailer), which AWS requires on DeleteObjects
// and several bucket configurations; since 2025 SDKs send a CRC32 instead of Content-MD5.
std::optional<S3Error> require_integrity_header(const S3Request& req);

// Checks the addressed bucket exists; NoSuchBucket otherwise.
std::optional<S3Error> require_bucket(S3Context& ctx, const S3Request& req);

}  // namespace bf
