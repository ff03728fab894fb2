#include "emulator/s3/s3_error.h"

#include <unordered_map>

#include "emulator/s3/xml.h"

namespace bf {

namespace {

struct ErrorInfo {
  int status;
  const char* message;
};

const std::unordered_map<std::string_view, ErrorInfo>& error_table() {
  static const std::unordered_map<std::string_view, ErrorInfo> table = {
      {"AccessDenied", {403, "Access Denied"}},
      {"AccessForbidden", {403, "CORSResponse: This CORS request is not allowed."}},
      {"AuthorizationHeaderMalformed", {400, "The authorization header is malformed."}},
      {"AuthorizationQueryParametersError", {400, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"}},
      {"BadRequest", {400, "An error occurred when parsing the HTTP request."}},
      {"BadDigest", {400, "The Content-MD5 you specified did not match what we received."}},
      {"BucketAlreadyExists", {409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}},
      {"AccessPointAlreadyOwnedByYou", {409, "An access point with an identical name already exists in your account."}},
      {"BucketAlreadyOwnedByYou", {409, "Your previous request to create the named bucket succeeded and you already own it."}},
      {"BucketNotEmpty", {409, "The bucket you tried to delete is not empty"}},
      {"ConditionalRequestConflict", {409, "A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part."}},
      {"EntityTooLarge", {400, "Your proposed upload exceeds the maximum allowed size"}},
      {"EntityTooSmall", {400, "Your proposed upload is smaller than the minimum allowed object size."}},
      {"IllegalLocationConstraintException", {400, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."}},
      {"IncompleteBody", {400, "You did not provide the number of bytes specified by the Content-Length HTTP header"}},
      {"InternalError", {500, "We encountered an internal error. Please try again."}},
      {"InvalidAccessKeyId", {403, "The AWS Access Key Id you provided does not exist in our records."}},
      {"InvalidArgument", {400, "Invalid Argument"}},
      {"InvalidBucketName", {400, "The specified bucket is not valid."}},
      {"InvalidChunkSizeError", {400, "Only the last chunk is allowed to have a size less than 8192 bytes"}},
      {"InvalidDigest", {400, "The Content-MD5 you specified is not valid."}},
      {"InvalidLocationConstraint", {400, "The specified location-constraint is not valid"}},
      {"InvalidObjectState", {403, "The operation is not valid for the object's storage class"}},
      {"InvalidPart", {400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}},
      {"InvalidPartOrder", {400, "The list of parts was not in ascending order. Parts must be ordered by part number."}},
      {"PermanentRedirect", {301, "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."}},
      {"InvalidPartNumber", {416, "The requested partnumber is not satisfiable"}},
      {"InvalidRange", {416, "The requested range is not satisfiable"}},
      {"InvalidRequest", {400, "Invalid Request"}},
      {"InvalidStorageClass", {400, "The storage class you specified is not valid"}},
      {"InvalidToken", {400, "The provided token is malformed or otherwise invalid."}},
      {"InvalidURI", {400, "Couldn't parse the specified URI."}},
      {"InvalidTag", {400, "The TagValue you have provided is invalid"}},
      {"KeyTooLongError", {400, "Your key is too long"}},
      {"LambdaInvalidResponse", {400, "The Lambda function returned an invalid response."}},
      {"LambdaInvocationFailed", {400, "The Lambda function invocation failed."}},
      {"LambdaNotFound", {404, "The AWS Lambda function was not found."}},
      {"LambdaResponseNotReceived", {500, "The Lambda function exited without successfully calling WriteGetObjectResponse."}},
      {"LambdaRuntimeError", {500, "The Lambda function failed during execution."}},
      {"LambdaTimeout", {500, "The Lambda function did not respond in the allowed time."}},
      {"MalformedTrailerError", {400, "The request contained trailing data that was not well-formed or did not conform to our published schema."}},
      {"MalformedPolicy", {400, "Policies must be valid JSON and the first byte must be '{'"}},
      {"MalformedXML", {400, "The XML you provided was not well-formed or did not validate against our published schema"}},
      {"InvalidPolicyDocument", {400, "The content of the form does not meet the conditions specified in the policy document."}},
      {"MalformedPOSTRequest", {400, "The body of your POST request is not well-formed multipart/form-data."}},
      {"MaxPostPreDataLengthExceededError", {400, "Your POST request fields preceding the upload file were too large."}},
      {"MaxMessageLengthExceeded", {400, "Your request was too big."}},
      {"MissingSecurityHeader", {400, "Your request was missing a required header"}},
      {"UnexpectedContent", {400, "This request does not support content"}},
      {"MetadataTooLarge", {400, "Your metadata headers exceed the maximum allowed metadata size."}},
      {"MethodNotAllowed", {405, "The specified method is not allowed against this resource."}},
      {"MissingContentLength", {411, "You must provide the Content-Length HTTP header."}},
      {"NoSuchAccessPoint", {404, "The specified accesspoint does not exist"}},
      {"NoSuchAccessPointPolicy", {404, "The specified accesspoint policy does not exist"}},
      {"NoSuchBucket", {404, "The specified bucket does not exist"}},
      {"NoSuchCORSConfiguration", {404, "The CORS configuration does not exist"}},
      {"NoSuchLifecycleConfiguration", {404, "The lifecycle configuration does not exist"}},
      {"NoSuchConfiguration", {404, "The specified configuration does not exist."}},
      {"TooManyConfigurations", {400, "You are attempting to create a new configuration but have already reached the limit."}},
      {"NoSuchKey", {404, "The specified key does not exist."}},
      {"NoSuchTagSet", {404, "The TagSet does not exist"}},
      {"UnresolvableGrantByEmailAddress", {400, "The e-mail address you provided does not match any account on record."}},
      {"NoSuchBucketPolicy", {404, "The bucket policy does not exist"}},
      {"NoSuchPublicAccessBlockConfiguration", {404, "The public access block configuration was not found"}},
      {"OwnershipControlsNotFoundError", {404, "The bucket ownership controls were not found"}},
      {"AccessControlListNotSupported", {400, "The bucket does not allow ACLs"}},
      {"InvalidBucketAclWithBlockPublicAccessError", {400, "Bucket cannot have public ACLs set with BlockPublicAccess enabled"}},
      {"InvalidBucketAclWithObjectOwnership", {400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}},
      {"MalformedACLError", {400, "The XML you provided was not well-formed or did not validate against our published schema"}},
      {"NoSuchVersion", {404, "The specified version does not exist."}},
      {"NoSuchUpload", {404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}},
      {"NotImplemented", {501, "A header you provided implies functionality that is not implemented"}},
      {"NotModified", {304, "Not Modified"}},
      {"PreconditionFailed", {412, "At least one of the pre-conditions you specified did not hold"}},
      {"RestoreAlreadyInProgress", {409, "Object restore is already in progress"}},
      {"RequestHeaderSectionTooLarge", {400, "Your request header section exceeds the maximum allowed size."}},
      {"RequestTimeTooSkewed", {403, "The difference between the request time and the current time is too large."}},
      {"SlowDown", {503, "Please reduce your request rate."}},
      {"SignatureDoesNotMatch", {403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}},
      {"XAmzContentSHA256Mismatch", {400, "The provided 'x-amz-content-sha256' header does not match what was computed."}},
  };
  return table;
}

}  // namespace

S3Error s3_error(std::string_view code, std::string message) {
  S3Error e;
  e.code = std::string(code);
  auto it = error_table().find(code);
  if (it != error_table().end()) {
    e.status = it->second.status;
    if (message.empty()) message = it->second.message;
  }
  e.message = std::move(message);
  return e;
}

S3Error s3_error_from(const AuthError& error) {
  S3Error e = s3_error(error.code, error.message);
  e.details = error.details;
  return e;
}

HttpResponse error_response(const S3Error& error, const std::string& request_id) {
  HttpResponse res;
  res.status = error.status;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", request_id);
  if (error.status == 304) return res;  // never a body
  std::string body(xml::kDeclaration);
  body += "<Error>";
  xml::element(body, "Code", error.code);
  xml::element(body, "Message", error.message);
  for (const auto& [name, value] : error.details) xml::element(body, name, value);
  if (!error.resource.empty()) xml::element(body, "Resource", error.resource);
  xml::element(body, "RequestId", request_id);
  xml::element(body, "HostId", request_id);
  body += "</Error>";
  res.set_header("Content-Type", "application/xml");
  res.body = std::move(body);
  return res;
}

}  // namespace bf
