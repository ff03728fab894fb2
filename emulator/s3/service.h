// The S3 service: route, authenticate, then hand the request (and its body, through the
// body pipeline) to the operation registered under its AWS name.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "emulator/auth/credentials.h"
#include "emulator/http/message.h"
#include "emulator/s3/operation.h"
#include "emulator/s3/router.h"

namespace bf {

enum class BodyKind { None, Blob, Text };

struct OperationSpec {
  BodyKind body = BodyKind::None;
  // Checks that need no body (bucket exists, headers valid) so a doomed upload is refused
  // before its bytes are read.
  // It may keep what it parsed in the request for the handler.
  std::function<std::optional<S3Error>(S3Context&, S3Request&)> precheck;
  std::function<S3Result(S3Context&, S3Request&, Body*)> handle;
};

using OperationTable = std::map<std::string, OperationSpec, std::less<>>;

void register_bucket_operations(OperationTable& table);
void register_object_operations(OperationTable& table);
void register_listing_operations(OperationTable& table);
void register_multipart_operations(OperationTable& table);
void register_tagging_operations(OperationTable& table);
void register_object_attributes_operation(OperationTable& table);
void register_delete_objects_operation(OperationTable& table);
void register_cors_operations(OperationTable& table);
void register_versioning_operations(OperationTable& table);
void register_notification_operations(OperationTable& table);
void register_restore_operation(OperationTable& table);
void register_lifecycle_operations(OperationTable& table);
void register_tiering_operations(OperationTable& table);
void register_encryption_operations(OperationTable& table);
void register_public_access_operations(OperationTable& table);
void register_acl_operations(OperationTable& table);

class S3Service final : public Service {
 public:
  S3Service(S3Context context, const CredentialStore& credentials);
  Dispatch begin(const HttpRequest& request) override;
  HttpResponse refuse(RequestRefusal why, const std::string& request_id) override;

 private:
  // Meters a request that reached an operation, once its response is known. `upload_class`:
  // the class of the upload a multipart request wrote to, when the operation read it.
  Dispatch begin_write_get_object_response(const HttpRequest& request);
  void meter(const Endpoint& endpoint, bool bucket_exists, const HttpRequest& request,
             const HttpResponse& response, const std::string& upload_class = "");

  S3Context context_;
  const CredentialStore& credentials_;
  RouterOptions router_options_;
  OperationTable operations_;
};

}  // namespace bf
