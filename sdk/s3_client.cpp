#include "sdk/s3_client.h"

#include <chrono>

#include "sdk/text.h"

namespace bf {

namespace {

std::string xml_element(const std::string& xml, const std::string& name) {
  auto open = xml.find("<" + name + ">");
  if (open == std::string::npos) return "";
  open += name.size() + 2;
  auto close = xml.find("</" + name + ">", open);
  return close == std::string::npos ? "" : xml.substr(open, close - open);
}

}  // namespace

S3Client::S3Client(std::shared_ptr<HttpTransport> transport, S3ClientOptions options,
                   std::function<void()> before_call)
    : transport_(std::move(transport)), options_(std::move(options)),
      before_call_(std::move(before_call)) {}

HttpReply S3Client::call(OutgoingRequest request) {
  if (before_call_) before_call_();
  request.host = options_.host;
  if (!trace_header_.empty()) request.headers.emplace_back("X-Amzn-Trace-Id", trace_header_);
  sign_sigv4(request, options_.credentials, options_.region, "s3", std::chrono::system_clock::now());
  HttpReply reply = transport_->send(request);
  if (reply.status >= 300) {
    const std::string* id = reply.header("x-amz-request-id");
    std::string code = xml_element(reply.body, "Code");
    if (code.empty()) code = reply.status == 404 ? "NotFound" : "HTTP" + std::to_string(reply.status);
    throw S3Exception(reply.status, code, xml_element(reply.body, "Message"), id ? *id : "");
  }
  return reply;
}

ObjectInfo S3Client::info_from(const HttpReply& reply) {
  ObjectInfo info;
  for (const auto& [name, value] : reply.headers) {
    std::string lower = ascii_lower(name);
    if (lower == "etag") info.etag = value;
    else if (lower == "x-amz-version-id") info.version_id = value;
    else if (lower == "content-type") info.content_type = value;
    else if (lower == "content-length") info.size = std::stoull(value);
    else if (lower.rfind("x-amz-meta-", 0) == 0) info.metadata[lower.substr(11)] = value;
  }
  return info;
}

PutObjectResult S3Client::put_object(const std::string& bucket, const std::string& key,
                                     const std::string& body, const PutObjectOptions& options) {
  OutgoingRequest req;
  req.method = "PUT";
  req.path = "/" + bucket + "/" + key;
  req.body = body;
  if (!options.content_type.empty()) req.headers.emplace_back("content-type", options.content_type);
  for (const auto& [name, value] : options.metadata) req.headers.emplace_back("x-amz-meta-" + name, value);
  HttpReply reply = call(std::move(req));
  PutObjectResult out;
  if (const auto* etag = reply.header("etag")) out.etag = *etag;
  if (const auto* version = reply.header("x-amz-version-id")) out.version_id = *version;
  return out;
}

GetObjectResult S3Client::get_object(const std::string& bucket, const std::string& key) {
  OutgoingRequest req;
  req.path = "/" + bucket + "/" + key;
  HttpReply reply = call(std::move(req));
  GetObjectResult out{info_from(reply), std::move(reply.body)};
  out.info.size = out.body.size();
  return out;
}

ObjectInfo S3Client::head_object(const std::string& bucket, const std::string& key) {
  OutgoingRequest req;
  req.method = "HEAD";
  req.path = "/" + bucket + "/" + key;
  return info_from(call(std::move(req)));
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
  OutgoingRequest req;
  req.method = "DELETE";
  req.path = "/" + bucket + "/" + key;
  call(std::move(req));
}

}  // namespace bf
