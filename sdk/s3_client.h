// A small S3 client for handlers: SigV4-signed requests over any HttpTransport (a socket to
// AWS or the emulator, or the emulator's in-process path). S3 errors are thrown as S3Exception.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "sdk/http_transport.h"
#include "sdk/signer.h"

namespace bf {

class S3Exception : public std::runtime_error {
 public:
  S3Exception(int status, std::string code, const std::string& message, std::string request_id)
      : std::runtime_error(code + ": " + message), status_(status), code_(std::move(code)),
        request_id_(std::move(request_id)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }  // "NoSuchKey", ...
  const std::string& request_id() const { return request_id_; }

 private:
  int status_;
  std::string code_;
  std::string request_id_;
};

struct S3ClientOptions {
  std::string host;  // "127.0.0.1:4566"; requests are path-style
  std::string region = "us-east-1";
  AwsCredentials credentials;
};

struct PutObjectOptions {
  std::string content_type;
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-*
};

struct PutObjectResult {
  std::string etag;  // quoted, as S3 returns it
  std::string version_id;
};

struct ObjectInfo {
  std::string etag;
  std::string version_id;
  std::string content_type;
  std::uint64_t size = 0;
  std::map<std::string, std::string> metadata;
};

struct GetObjectResult {
  ObjectInfo info;
  std::string body;
};

class S3Client {
 public:
  // `before_call` runs before every request; a handler's context uses it to stop a call that
  // would start after the invocation's deadline.
  S3Client(std::shared_ptr<HttpTransport> transport, S3ClientOptions options,
           std::function<void()> before_call = {});

  PutObjectResult put_object(const std::string& bucket, const std::string& key,
                             const std::string& body, const PutObjectOptions& options = {});
  GetObjectResult get_object(const std::string& bucket, const std::string& key);
  ObjectInfo head_object(const std::string& bucket, const std::string& key);
  void delete_object(const std::string& bucket, const std::string& key);

  // Sent as X-Amzn-Trace-Id on every request (carries the event lineage).
  void set_trace_header(std::string value) { trace_header_ = std::move(value); }

 private:
  HttpReply call(OutgoingRequest request);
  static ObjectInfo info_from(const HttpReply& reply);

  std::shared_ptr<HttpTransport> transport_;
  S3ClientOptions options_;
  std::function<void()> before_call_;
  std::string trace_header_;
};

}  // namespace bf
