#include "emulator/s3/service.h"

#include <algorithm>

#include "emulator/s3/access_control.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/body_pipeline.h"
#include "emulator/s3/object_lambda_requests.h"
#include "emulator/s3/cors.h"
#include "emulator/s3/post_object.h"
#include "emulator/s3/usage_billing.h"
#include "emulator/s3/xml.h"

namespace bf {

HttpResponse make_response(const S3Request& req, int status) {
  HttpResponse res;
  res.status = status;
  res.set_header("x-amz-request-id", req.request_id());
  res.set_header("x-amz-id-2", req.request_id());
  res.set_header("Server", "AmazonS3");
  return res;
}

HttpResponse xml_response(const S3Request& req, std::string body, int status) {
  HttpResponse res = make_response(req, status);
  res.set_header("Content-Type", "application/xml");
  res.body = std::string(xml::kDeclaration) + body;
  return res;
}

S3Error internal_error(const Status& status) {
  return s3_error("InternalError", "We encountered an internal error. Please try again. (" +
                                       status.message() + ")");
}

S3Error no_such_bucket(const std::string& bucket) {
  return s3_error("NoSuchBucket").with("BucketName", bucket);
}

S3Error no_such_key(const std::string& key) { return s3_error("NoSuchKey").with("Key", key); }

std::optional<S3Error> require_bucket(S3Context&, const S3Request& req) {
  if (!req.view) return no_such_bucket(req.bucket());
  return std::nullopt;
}

std::optional<S3Error> require_integrity_header(const S3Request& req) {
  if (req.header("Content-MD5")) return std::nullopt;
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms)
    if (req.header(checksum_header(alg)) || req.header("x-amz-trailer")) return std::nullopt;
  return s3_error("InvalidRequest", "Missing required header for this request: Content-MD5 "
                                    "OR x-amz-checksum-*");
}

S3Service::S3Service(S3Context context, const CredentialStore& credentials)
    : context_(std::move(context)),
      credentials_(credentials),
      router_options_(default_router_options(context_.region)) {
  context_.views = std::make_shared<BucketViews>(context_.buckets);
  register_bucket_operations(operations_);
  register_object_operations(operations_);
  register_listing_operations(operations_);
  register_multipart_operations(operations_);
  register_tagging_operations(operations_);
  register_object_attributes_operation(operations_);
  register_delete_objects_operation(operations_);
  register_cors_operations(operations_);
  register_versioning_operations(operations_);
  register_notification_operations(operations_);
  register_restore_operation(operations_);
  register_lifecycle_operations(operations_);
  register_tiering_operations(operations_);
  register_encryption_operations(operations_);
  register_public_access_operations(operations_);
  register_acl_operations(operations_);
}

HttpResponse S3Service::refuse(RequestRefusal why, const std::string& request_id) {
  const char* code = why == RequestRefusal::HeaderTooLarge       ? "RequestHeaderSectionTooLarge"
                     : why == RequestRefusal::InternalError      ? "InternalError"
                     : why == RequestRefusal::TooManyConnections ? "SlowDown"
                                                                 : "BadRequest";
  HttpResponse res = error_response(s3_error(code), request_id);
  res.set_header("Server", "AmazonS3");
  res.operation = "Refused";
  return res;
}

namespace {

// Finishes whatever response the body pipeline produces (the bucket's CORS headers, the
// request's metering).
class FinishingSink final : public BodySink {
 public:
  FinishingSink(std::unique_ptr<BodySink> inner, std::function<void(HttpResponse&)> finish)
      : inner_(std::move(inner)), finish_(std::move(finish)) {}
  std::optional<HttpResponse> write(std::string_view bytes) override {
    auto res = inner_->write(bytes);
    if (res) finish_(*res);
    return res;
  }
  HttpResponse finish() override {
    HttpResponse res = inner_->finish();
    finish_(res);
    return res;
  }

 private:
  std::unique_ptr<BodySink> inner_;
  std::function<void(HttpResponse&)> finish_;
};

}  // namespace

void S3Service::meter(const Endpoint& endpoint, bool bucket_exists, const HttpRequest& request,
                      const HttpResponse& response, const std::string& upload_class) {
  if (!context_.meter || response.status >= 500) return;
  // A request to no bucket of this server bills no one (ListBuckets aside).
  const bool created = endpoint.operation == "CreateBucket" && response.status == 200;
  if (!bucket_exists && !created && endpoint.operation != "ListBuckets") return;
  const std::string& op = endpoint.operation;
  std::string storage_class;
  std::uint64_t bytes_out = 0;
  if (op == "GetObject" || op == "HeadObject") {
    if (const auto* c = find_header(response.headers, "x-amz-storage-class")) storage_class = *c;
    if (op == "GetObject" && response.status / 100 == 2) bytes_out = response.body_size();
  } else if (!upload_class.empty()) {
    storage_class = upload_class;
  } else if (const auto* c = request.header("x-amz-storage-class")) {
    storage_class = *c;
  }
  meter_request(*context_.meter, op, endpoint.bucket, storage_class, bytes_out);
}

namespace {

// The transformation an Object Lambda access point applies to `operation`, if any.
const ObjectLambdaTransformation* transformation_for(const ObjectLambdaAccessPoint& point,
                                                     const std::string& operation) {
  for (const auto& t : point.configuration.transformations)
    if (std::find(t.actions.begin(), t.actions.end(), operation) != t.actions.end()) return &t;
  return nullptr;
}

}  // namespace

// S3 Object Lambda's answer channel: signed for s3-object-lambda (or s3), then handed over.
Dispatch S3Service::begin_write_get_object_response(const HttpRequest& request) {
  Dispatch d;
  const auto target = parse_target(request.target);
  if (!target) {
    d.response = error_response(s3_error("InvalidURI"), request.request_id);
  } else {
    const SignedRequest signed_request{request, *target, "", true};
    const std::string service = signed_service(signed_request) == "s3" ? "s3" : "s3-object-lambda";
    AuthSettings settings{credentials_, context_.signing_clock(), context_.region, service, std::nullopt};
    settings.any_region = true;  // a function of any region answers here
    auto auth = authenticate(signed_request, settings);
    // The body is forwarded as it comes, so the framing of aws-chunked would be forwarded too;
    // the SDKs send this operation's body unsigned or whole.
    if (auth && auth->payload != PayloadMode::Unsigned && auth->payload != PayloadMode::Sha256)
      d.response = error_response(s3_error("InvalidRequest", "WriteGetObjectResponse takes an UNSIGNED-PAYLOAD or "
                                                             "a SHA-256-signed body, not aws-chunked"),
                                  request.request_id);
    else if (auth)
      return write_get_object_response(*context_.object_lambda_world, request,
                                       auth->payload == PayloadMode::Sha256 ? auth->payload_sha256 : "");
    else
      d.response = error_response(s3_error_from(auth.error()), request.request_id);
  }
  d.response->operation = "WriteGetObjectResponse";
  return d;
}

Dispatch S3Service::begin(const HttpRequest& request) {
  if (context_.object_lambda_world && is_write_get_object_response(request))
    return begin_write_get_object_response(request);
  auto routed = route_s3(request, router_options_);
  if (auto* err = std::get_if<S3Error>(&routed)) {
    Dispatch d;
    d.response = error_response(*err, request.request_id);
    d.response->operation = "-";
    return d;
  }
  Endpoint endpoint = std::move(std::get<Endpoint>(routed));
  const std::string operation = endpoint.operation;
  // SigV2 signs the bucket as the Host named it, whatever it stands for.
  const std::string host_bucket = endpoint.virtual_hosted ? endpoint.bucket : "";
  // Through an Object Lambda access point (its alias, or the host its ARN becomes, signed for
  // s3-object-lambda) a request reaches the bucket of its supporting access point.
  std::optional<ObjectLambdaAccessPoint> object_lambda;
  std::optional<AccessPoint> supporting;
  bool signed_for_object_lambda = false;
  if (context_.object_lambda && context_.access_points && !endpoint.bucket.empty() &&
      !context_.object_lambda->empty()) {
    signed_for_object_lambda = signed_service(SignedRequest{request, endpoint}) == "s3-object-lambda";
    object_lambda = context_.object_lambda->addressed_by(endpoint.bucket,
                                                         endpoint.virtual_hosted && signed_for_object_lambda);
    const std::string& arn = object_lambda ? object_lambda->configuration.supporting_access_point : "";
    if (object_lambda) supporting = context_.access_points->find(arn.substr(arn.find('/') + 1));
    if (supporting) {
      endpoint.object_lambda = object_lambda->name;
      endpoint.access_point = supporting->name;
      endpoint.bucket = supporting->bucket;
    }
  }
  // Through an access point (its alias as the bucket name, or the host its ARN becomes) a
  // request acts on the access point's bucket.
  if (context_.access_points && !endpoint.bucket.empty() && endpoint.object_lambda.empty())
    if (auto point = context_.access_points->addressed_by(endpoint.bucket, endpoint.virtual_hosted)) {
      endpoint.access_point = point->name;
      endpoint.bucket = point->bucket;
    }
  // The addressed bucket, read once for the whole request (CORS, versioning, events).
  std::shared_ptr<const BucketView> bucket =
      endpoint.bucket.empty() ? nullptr : context_.views->find(endpoint.bucket);
  if (operation == "PreflightRequest") {
    Dispatch d;
    d.response = cors_preflight(bucket.get(), request, endpoint);
    d.response->operation = operation;
    return d;
  }
  if (operation == "PostObject" && endpoint.key.empty()) {
    // A form upload carries its authorisation (the signed policy) in the body.
    Dispatch d = begin_post_object(context_, credentials_, request, endpoint, bucket);
    auto finish = [this, bucket, &request, endpoint](HttpResponse& res) {
      apply_cors(bucket.get(), request, res);
      // A form that failed its policy was never authenticated: it bills no one.
      if (res.status != 403) meter(endpoint, bucket != nullptr, request, res);
    };
    if (d.response) finish(*d.response);
    if (d.sink) d.sink = std::make_unique<FinishingSink>(std::move(d.sink), finish);
    return d;
  }
  // Browsers can read a response, error or not, only with the bucket's CORS headers on it.
  auto answer = [&](const S3Error& error, std::string op) {
    Dispatch d;
    d.response = error_response(error, request.request_id);
    d.response->operation = std::move(op);
    apply_cors(bucket.get(), request, *d.response);
    return d;
  };

  // Authenticate before anything else: an unsigned probe learns no more than AccessDenied (or
  // NoSuchBucket, which S3 tells anyone), not even which operations are implemented.
  AuthSettings settings{credentials_, context_.signing_clock(), context_.region,
                        !endpoint.object_lambda.empty() && signed_for_object_lambda ? "s3-object-lambda" : "s3",
                        std::nullopt};
  settings.any_region = true;
  const SignedRequest signed_request{request, endpoint, host_bucket, !endpoint.key.empty()};
  auto auth = authenticate(signed_request, settings);
  // A request without any credentials is anonymous: it goes on only where the bucket's policy
  // or ACLs let everyone in (decided below, once the bucket's region is known to be right).
  if (!auth && carries_credentials(signed_request)) return answer(s3_error_from(auth.error()), operation);
  if (!auth) auth = AuthResult{};
  // A bucket lives in one region. A request signed for another is sent there, as a regional
  // endpoint sends it: 301 with the bucket's region, which the SDKs follow by signing again.
  // GetBucketLocation answers from anywhere; SigV2 and anonymous requests name no region.
  if (bucket && !auth->region.empty() && auth->region != bucket->record().region &&
      operation != "GetBucketLocation" && operation != "CreateBucket") {
    Dispatch d = answer(s3_error("PermanentRedirect")
                            .with("Endpoint", endpoint.bucket + ".s3." + bucket->record().region + ".amazonaws.com")
                            .with("Bucket", endpoint.bucket),
                        operation);
    d.response->set_header("x-amz-bucket-region", bucket->record().region);
    return d;
  }
  if (auth->region.empty()) auth->region = context_.region;
  if (auto refused = authorize(request, endpoint, bucket.get(), auth->principal, context_.objects))
    return answer(*refused, operation);
  // From here on the request is the bucket owner's to pay for, error or not.
  auto billed = [&](Dispatch d, const Endpoint& addressed, const std::string& upload_class = "") {
    meter(addressed, bucket != nullptr, request, *d.response, upload_class);
    return d;
  };

  if (!endpoint.object_lambda.empty()) {
    static const char* const kThroughObjectLambda[] = {"GetObject", "HeadObject", "ListObjects", "ListObjectsV2"};
    if (std::find_if(std::begin(kThroughObjectLambda), std::end(kThroughObjectLambda),
                     [&](const char* op) { return operation == op; }) == std::end(kThroughObjectLambda))
      return billed(answer(s3_error("InvalidRequest", "The " + operation + " operation is not supported through an "
                                                      "Object Lambda access point"),
                           operation),
                    endpoint);
    if (const ObjectLambdaTransformation* t = transformation_for(*object_lambda, operation)) {
      return object_lambda_call(*context_.object_lambda_world, request, endpoint, *auth, *object_lambda, *supporting, *t);
    }
  }
  if (!endpoint.access_point.empty() && !allowed_through_access_point(operation))
    return billed(answer(s3_error("InvalidRequest", "The " + operation + " operation is not supported through an "
                                                    "access point; address the bucket itself"),
                         operation),
                  endpoint);
  auto spec_it = operations_.find(operation);
  if (spec_it == operations_.end())
    return billed(answer(s3_error("NotImplemented", "The " + operation +
                                                       " operation is not implemented by bucketfire yet."),
                         operation),
                  endpoint);

  const OperationSpec& spec = spec_it->second;
  auto req = std::make_shared<S3Request>(
      S3Request{request, std::move(endpoint), std::move(*auth), bucket, std::nullopt, ""});

  if (spec.precheck)
    if (auto err = spec.precheck(context_, *req))
      return billed(answer(*err, operation), req->endpoint, req->upload_class);

  if (spec.body == BodyKind::None) {
    auto result = spec.handle(context_, *req, nullptr);
    Dispatch d;
    d.response = result ? std::move(result.value())
                        : error_response(result.error(), request.request_id);
    d.response->operation = operation;
    apply_cors(bucket.get(), request, *d.response);
    meter(req->endpoint, bucket != nullptr, request, *d.response, req->upload_class);
    return d;
  }

  auto plan = plan_body(*req, spec.body == BodyKind::Blob ? BodyDestination::Blob
                                                          : BodyDestination::Text);
  if (auto* err = std::get_if<S3Error>(&plan)) return billed(answer(*err, operation), req->endpoint);
  Dispatch d;
  auto pipeline = make_body_pipeline(std::move(std::get<BodyPlan>(plan)), context_.objects,
                                     request.request_id, operation,
                                     [this, req, handle = spec.handle](Body& body) {
                                       return handle(context_, *req, &body);
                                     });
  d.sink = std::make_unique<FinishingSink>(std::move(pipeline), [this, bucket, req](HttpResponse& res) {
    apply_cors(bucket.get(), req->http, res);
    meter(req->endpoint, bucket != nullptr, req->http, res, req->upload_class);
  });
  return d;
}

}  // namespace bf
