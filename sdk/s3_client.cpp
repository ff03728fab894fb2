#include "sdk/s3_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "sdk/checksum.h"
#include "sdk/hash.h"
#include "sdk/json.h"
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

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// S3 answers worth another try: server errors, throttling, and its own transient codes.
bool retryable(int status, const std::string& code) {
  return status >= 500 || status == 429 || code == "SlowDown" || code == "RequestTimeout" ||
         code == "InternalError" || code == "RequestTimeTooSkewed";
}

class FileBody final : public BodySource {
 public:
  FileBody(const std::string& path, std::uint64_t offset, std::optional<std::uint64_t> length)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), offset_(offset) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
    off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0 || static_cast<std::uint64_t>(end) < offset) {
      ::close(fd_);
      throw std::runtime_error("cannot read " + path);
    }
    size_ = length ? *length : static_cast<std::uint64_t>(end) - offset;
  }
  ~FileBody() override { ::close(fd_); }
  std::uint64_t size() const override { return size_; }
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::uint64_t left = size_ - position_;
    if (!left) return 0;
    ssize_t n = ::pread(fd_, buffer, std::min<std::uint64_t>(capacity, left),
                        static_cast<off_t>(offset_ + position_));
    if (n <= 0) throw std::runtime_error("file read failed");
    position_ += static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  }
  void rewind() override { position_ = 0; }

 private:
  int fd_;
  std::uint64_t offset_;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

// SHA-256 (hex) and CRC32 (base64) of a streamed body, read once.
std::pair<std::string, std::string> digests(BodySource& body) {
  Digest sha(Digest::Kind::Sha256);
  Checksummer crc(ChecksumAlgorithm::Crc32);
  std::vector<char> chunk(256 * 1024);
  body.rewind();
  while (std::size_t n = body.read(chunk.data(), chunk.size())) {
    sha.update(std::string_view(chunk.data(), n));
    crc.update(chunk.data(), n);
  }
  body.rewind();
  return {to_hex(sha.finish()), crc.finish_base64()};
}

PutObjectResult put_result(const HttpReply& reply) {
  PutObjectResult out;
  if (const auto* etag = reply.header("etag")) out.etag = *etag;
  if (const auto* version = reply.header("x-amz-version-id")) out.version_id = *version;
  return out;
}

// The ETag as an XML answer writes it (&quot;-escaped), with its quotes back.
std::string xml_etag(const std::string& xml) {
  std::string etag = xml_element(xml, "ETag");
  for (auto at = etag.find("&quot;"); at != std::string::npos; at = etag.find("&quot;"))
    etag.replace(at, 6, "\"");
  return etag;
}

void add_put_headers(OutgoingRequest& req, const PutObjectOptions& options) {
  if (!options.content_type.empty()) req.headers.emplace_back("content-type", options.content_type);
  for (const auto& [name, value] : options.metadata) req.headers.emplace_back("x-amz-meta-" + name, value);
  if (!options.storage_class.empty()) req.headers.emplace_back("x-amz-storage-class", options.storage_class);
  if (!options.if_match.empty()) req.headers.emplace_back("if-match", options.if_match);
  if (options.if_none_match) req.headers.emplace_back("if-none-match", "*");
}

// "2026-11-27T22:15:00.000Z", as POST policies write their expiration.
std::string iso8601_ms(std::chrono::system_clock::time_point t) { return format_utc(t, "%Y-%m-%dT%H:%M:%S.000Z"); }

}  // namespace

std::shared_ptr<BodySource> file_body(const std::string& path, std::uint64_t offset,
                                      std::optional<std::uint64_t> length) {
  return std::make_shared<FileBody>(path, offset, length);
}

S3ClientOptions S3ClientOptions::from_environment() {
  S3ClientOptions o;
  o.credentials = {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  o.region = env("AWS_REGION");
  if (o.region.empty()) o.region = env("AWS_DEFAULT_REGION");
  if (o.region.empty()) o.region = "us-east-1";
  std::string url = env("AWS_ENDPOINT_URL_S3");
  if (url.empty()) url = env("AWS_ENDPOINT_URL");
  if (url.empty()) {
    o.endpoint = {true, "s3." + o.region + ".amazonaws.com", "443"};
    o.path_style = false;
  } else {
    o.endpoint = parse_endpoint_url(url);
    o.path_style = ascii_lower(env("AWS_S3_ADDRESSING_STYLE")) != "virtual";
  }
  return o;
}

S3Client::S3Client(std::shared_ptr<HttpTransport> transport, S3ClientOptions options,
                   std::function<void()> before_call)
    : transport_(std::move(transport)), options_(std::move(options)),
      before_call_(std::move(before_call)) {}

std::unique_ptr<S3Client> S3Client::from_environment() {
  S3ClientOptions options = S3ClientOptions::from_environment();
  auto transport = make_network_transport(options.endpoint);
  return std::make_unique<S3Client>(std::move(transport), std::move(options));
}

OutgoingRequest S3Client::request(const std::string& method, const std::string& bucket,
                                  const std::string& key) const {
  OutgoingRequest req;
  req.method = method;
  // Dotted bucket names cannot be virtual-hosted over TLS (the certificate has one level).
  const bool path_style = options_.path_style || bucket.find('.') != std::string::npos || bucket.empty();
  if (path_style) {
    req.host = options_.endpoint.authority();
    req.path = "/" + bucket + (key.empty() && !bucket.empty() ? "" : "/" + key);
    if (bucket.empty()) req.path = "/";
  } else {
    req.host = bucket + "." + options_.endpoint.authority();
    req.path = "/" + key;
  }
  return req;
}

HttpReply S3Client::call(OutgoingRequest req, const char* service, HttpTransport* via) {
  HttpTransport& transport = via ? *via : *transport_;
  if (!trace_header_.empty()) req.headers.emplace_back("X-Amzn-Trace-Id", trace_header_);
  thread_local std::mt19937_64 rng{std::random_device{}()};  // seeding costs a syscall: once per thread
  // A streamed download cannot be retried once bytes reached the caller.
  std::uint64_t delivered = 0;
  auto sink = req.body_sink;
  if (sink)
    req.body_sink = [&delivered, sink](std::string_view bytes) {
      delivered += bytes.size();
      sink(bytes);
    };
  const sigv4::Params unsigned_headers = req.headers;
  for (int attempt = 1;; ++attempt) {
    if (before_call_) before_call_();
    req.headers = unsigned_headers;
    if (service) sign_sigv4(req, options_.credentials, options_.region, service, std::chrono::system_clock::now());
    std::string failure;
    int status = 0;
    std::string code, message, request_id;
    try {
      HttpReply reply = transport.send(req);
      if (reply.status < 300) return reply;
      status = reply.status;
      if (const auto* id = reply.header("x-amz-request-id")) request_id = *id;
      code = xml_element(reply.body, "Code");
      message = xml_element(reply.body, "Message");
      if (code.empty()) code = reply.status == 404 ? "NotFound" : "HTTP" + std::to_string(reply.status);
      if (!retryable(status, code) || attempt >= options_.max_attempts || delivered)
        throw S3Exception(status, code, message, request_id);
    } catch (const S3Exception&) {
      throw;
    } catch (const std::exception& e) {  // the connection failed or broke
      if (attempt >= options_.max_attempts || delivered) throw;
    }
    // Full jitter: a random wait up to base * 2^(attempt-1), at most five seconds.
    const std::int64_t cap = std::min<std::int64_t>(5000, static_cast<std::int64_t>(options_.retry_base_ms) << (attempt - 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(
        cap > 0 ? std::uniform_int_distribution<std::int64_t>(0, cap)(rng) : 0));
  }
}

namespace {

// WriteGetObjectResponse goes to "{route}." + S3 Object Lambda's endpoint: on AWS
// "s3-object-lambda.{region}.amazonaws.com" for "s3.{region}.amazonaws.com", elsewhere (the
// emulator) the endpoint itself.
EndpointUrl object_lambda_endpoint(EndpointUrl endpoint, const std::string& route) {
  if (endpoint.host.starts_with("s3.")) endpoint.host = "s3-object-lambda." + endpoint.host.substr(3);
  endpoint.host = route + "." + endpoint.host;
  return endpoint;
}

OutgoingRequest write_get_object_response_request(const WriteGetObjectResponseRequest& r, const EndpointUrl& endpoint) {
  OutgoingRequest req;
  req.method = "POST";
  req.host = endpoint.authority();
  req.path = "/WriteGetObjectResponse";
  req.headers.emplace_back("x-amz-request-route", r.route);
  req.headers.emplace_back("x-amz-request-token", r.token);
  req.headers.emplace_back("x-amz-fwd-status", std::to_string(r.status_code));
  if (!r.error_code.empty()) req.headers.emplace_back("x-amz-fwd-error-code", r.error_code);
  if (!r.error_message.empty()) req.headers.emplace_back("x-amz-fwd-error-message", r.error_message);
  if (!r.content_type.empty()) req.headers.emplace_back("x-amz-fwd-header-Content-Type", r.content_type);
  for (const auto& [name, value] : r.headers) req.headers.emplace_back("x-amz-fwd-header-" + name, value);
  for (const auto& [name, value] : r.metadata) req.headers.emplace_back("x-amz-meta-" + name, value);
  req.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  return req;
}

}  // namespace

void S3Client::write_get_object_response(const WriteGetObjectResponseRequest& r, const std::string& body) {
  send_write_get_object_response(r, [&](OutgoingRequest& req) { req.body = body; });
}

void S3Client::write_get_object_response(const WriteGetObjectResponseRequest& r, std::shared_ptr<BodySource> body) {
  send_write_get_object_response(r, [&](OutgoingRequest& req) { req.body_source = body; });
}

void S3Client::send_write_get_object_response(const WriteGetObjectResponseRequest& r,
                                              const std::function<void(OutgoingRequest&)>& add_body) {
  const EndpointUrl endpoint = object_lambda_endpoint(options_.endpoint, r.route);
  OutgoingRequest req = write_get_object_response_request(r, endpoint);
  add_body(req);
  // On AWS the route's host is S3 Object Lambda's, not the S3 endpoint's: it gets a connection
  // of its own. A custom endpoint (the emulator) takes it on the client's own connection,
  // whatever name the Host header carries.
  std::shared_ptr<HttpTransport> elsewhere;
  if (options_.endpoint.host.starts_with("s3.")) elsewhere = make_network_transport(endpoint);
  call(std::move(req), "s3-object-lambda", elsewhere.get());
}

ObjectInfo S3Client::info_from(const HttpReply& reply) {
  ObjectInfo info;
  for (const auto& [name, value] : reply.headers) {
    std::string lower = ascii_lower(name);
    if (lower == "etag") info.etag = value;
    else if (lower == "x-amz-version-id") info.version_id = value;
    else if (lower == "content-type") info.content_type = value;
    else if (lower == "content-length") info.size = std::stoull(value);
    else if (lower == "x-amz-storage-class") info.storage_class = value;
    else if (lower == "x-amz-restore") info.restore = value;
    else if (lower == "x-amz-archive-status") info.archive_status = value;
    else if (lower.rfind("x-amz-meta-", 0) == 0) info.metadata[lower.substr(11)] = value;
  }
  return info;
}

void S3Client::create_bucket(const std::string& bucket) {
  OutgoingRequest req = request("PUT", bucket, "");
  if (options_.region != "us-east-1")
    req.body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
               "<LocationConstraint>" + options_.region + "</LocationConstraint></CreateBucketConfiguration>";
  call(std::move(req));
}

PutObjectResult S3Client::put_object(const std::string& bucket, const std::string& key,
                                     const std::string& body, const PutObjectOptions& options) {
  OutgoingRequest req = request("PUT", bucket, key);
  req.body = body;
  req.headers.emplace_back("x-amz-checksum-crc32", base64_encode(checksum_of(ChecksumAlgorithm::Crc32, body)));
  add_put_headers(req, options);
  return put_result(call(std::move(req)));
}

PutObjectResult S3Client::put_object(const std::string& bucket, const std::string& key,
                                     std::shared_ptr<BodySource> body, const PutObjectOptions& options) {
  auto [sha256, crc32] = digests(*body);
  OutgoingRequest req = request("PUT", bucket, key);
  req.body_source = std::move(body);
  req.headers.emplace_back("x-amz-content-sha256", sha256);
  req.headers.emplace_back("x-amz-checksum-crc32", crc32);
  add_put_headers(req, options);
  return put_result(call(std::move(req)));
}

PutObjectResult S3Client::upload_file(const std::string& bucket, const std::string& key,
                                      const std::string& path, const PutObjectOptions& options) {
  auto whole = file_body(path);
  if (whole->size() <= options_.multipart_threshold) return put_object(bucket, key, whole, options);
  return multipart_upload(bucket, key, path, whole->size(), options);
}

PutObjectResult S3Client::multipart_upload(const std::string& bucket, const std::string& key,
                                           const std::string& path, std::uint64_t size,
                                           const PutObjectOptions& options) {
  OutgoingRequest create = request("POST", bucket, key);
  create.query = {{"uploads", ""}};
  add_put_headers(create, options);
  const std::string upload_id = xml_element(call(std::move(create)).body, "UploadId");
  if (upload_id.empty()) throw S3Exception(500, "InvalidResponse", "no UploadId in the answer", "");
  try {
    const std::uint64_t part_size = std::max<std::uint64_t>(options_.part_size, 5ull << 20);
    std::string parts_xml;
    int number = 1;
    for (std::uint64_t offset = 0; offset < size; offset += part_size, ++number) {
      auto part = file_body(path, offset, std::min(part_size, size - offset));
      auto [sha256, crc32] = digests(*part);
      OutgoingRequest req = request("PUT", bucket, key);
      req.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
      req.body_source = part;
      req.headers.emplace_back("x-amz-content-sha256", sha256);
      HttpReply reply = call(std::move(req));
      const std::string* etag = reply.header("etag");
      parts_xml += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                   (etag ? *etag : "") + "</ETag></Part>";
    }
    OutgoingRequest complete = request("POST", bucket, key);
    complete.query = {{"uploadId", upload_id}};
    complete.body = "<CompleteMultipartUpload>" + parts_xml + "</CompleteMultipartUpload>";
    HttpReply reply = call(std::move(complete));
    // S3 can answer 200 with an error document once the parts are being assembled.
    if (std::string code = xml_element(reply.body, "Code"); !code.empty())
      throw S3Exception(500, code, xml_element(reply.body, "Message"), "");
    PutObjectResult out = put_result(reply);
    out.etag = xml_etag(reply.body);
    return out;
  } catch (...) {
    try {
      OutgoingRequest abort = request("DELETE", bucket, key);
      abort.query = {{"uploadId", upload_id}};
      call(std::move(abort));
    } catch (...) {
      // The upload's own error is the one worth reporting.
    }
    throw;
  }
}

GetObjectResult S3Client::get_object(const std::string& bucket, const std::string& key,
                                     std::optional<ByteRange> range) {
  GetObjectResult out;
  out.info = get_object(bucket, key, [&out](std::string_view bytes) { out.body.append(bytes); }, range);
  return out;
}

ObjectInfo S3Client::get_object(const std::string& bucket, const std::string& key,
                                const std::function<void(std::string_view)>& sink,
                                std::optional<ByteRange> range) {
  OutgoingRequest req = request("GET", bucket, key);
  if (range)
    req.headers.emplace_back("range", "bytes=" + std::to_string(range->first) + "-" + std::to_string(range->last));
  std::uint64_t received = 0;
  req.body_sink = [&](std::string_view bytes) {
    received += bytes.size();
    sink(bytes);
  };
  ObjectInfo info = info_from(call(std::move(req)));
  info.size = received;
  return info;
}

namespace {

// "http(s)://authority/path?query" as the endpoint it names and a GET of its decoded path and
// query parameters; throws std::invalid_argument for anything else.
std::pair<EndpointUrl, OutgoingRequest> presigned_get(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::invalid_argument("not an http(s) URL: " + url);
  const auto path_start = url.find_first_of("/?", scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  std::string_view rest = path_start == std::string::npos ? std::string_view() : std::string_view(url).substr(path_start);
  const auto q = rest.find('?');
  std::string_view raw_path = rest.substr(0, q);
  std::string_view raw_query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  OutgoingRequest req;
  req.method = "GET";
  EndpointUrl endpoint = parse_endpoint_url(origin);
  req.host = endpoint.authority();
  req.headers.emplace_back("Host", req.host);  // signed by the URL; nothing else adds it
  if (!sigv4::uri_decode(raw_path.empty() ? "/" : raw_path, req.path))
    throw std::invalid_argument("the URL's path does not decode: " + url);
  while (!raw_query.empty()) {
    const std::string_view pair = raw_query.substr(0, raw_query.find('&'));
    raw_query.remove_prefix(std::min(raw_query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name, value;
    if (!sigv4::uri_decode(pair.substr(0, eq), name) ||
        (eq != std::string_view::npos && !sigv4::uri_decode(pair.substr(eq + 1), value)))
      throw std::invalid_argument("the URL's query does not decode: " + url);
    req.query.emplace_back(std::move(name), std::move(value));
  }
  return {std::move(endpoint), std::move(req)};
}

}  // namespace

ObjectInfo S3Client::download_file(const std::string& bucket, const std::string& key,
                                   const std::string& path) {
  const std::string partial = path + ".part";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + partial);
  ObjectInfo info = get_object(bucket, key, [&out](std::string_view bytes) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("write failed");
  });
  out.close();
  if (!out || std::rename(partial.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write " + path);
  return info;
}

ObjectInfo S3Client::get_presigned(const std::string& url, const std::function<void(std::string_view)>& sink) {
  auto [endpoint, req] = presigned_get(url);
  // The client's own transport reaches its endpoint (in the emulator, in-process); another host
  // (an access point's, on AWS) gets a connection of its own.
  std::shared_ptr<HttpTransport> elsewhere;
  if (endpoint.authority() != options_.endpoint.authority() || endpoint.tls != options_.endpoint.tls)
    elsewhere = make_network_transport(endpoint);
  std::uint64_t received = 0;
  req.body_sink = [&](std::string_view bytes) {
    received += bytes.size();
    sink(bytes);
  };
  ObjectInfo info = info_from(call(std::move(req), nullptr, elsewhere.get()));
  info.size = received;
  return info;
}

ObjectInfo S3Client::head_object(const std::string& bucket, const std::string& key) {
  return info_from(call(request("HEAD", bucket, key)));
}

RestoreStarted S3Client::restore_object(const std::string& bucket, const std::string& key,
                                       const RestoreRequest& restore) {
  OutgoingRequest req = request("POST", bucket, key);
  req.query = {{"restore", ""}};
  if (!restore.version_id.empty()) req.query.emplace_back("versionId", restore.version_id);
  std::string body = "<RestoreRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  if (restore.days) body += "<Days>" + std::to_string(*restore.days) + "</Days>";
  body += "<GlacierJobParameters><Tier>" + restore.tier + "</Tier></GlacierJobParameters></RestoreRequest>";
  req.body = std::move(body);
  const HttpReply reply = call(std::move(req));
  return reply.status == 202 ? RestoreStarted::Started : RestoreStarted::AlreadyRestored;
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
  call(request("DELETE", bucket, key));
}

void S3Client::put_object_tagging(const std::string& bucket, const std::string& key, const TagList& tags,
                                  const std::string& version_id) {
  OutgoingRequest req = request("PUT", bucket, key);
  req.query = {{"tagging", ""}};
  if (!version_id.empty()) req.query.emplace_back("versionId", version_id);
  std::string body = "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>";
  for (const auto& [k, v] : tags) body += "<Tag><Key>" + xml_escape(k) + "</Key><Value>" + xml_escape(v) + "</Value></Tag>";
  req.body = body + "</TagSet></Tagging>";
  req.headers.emplace_back("Content-MD5", base64_encode(md5(req.body)));
  call(std::move(req));
}

void S3Client::delete_object_tagging(const std::string& bucket, const std::string& key,
                                     const std::string& version_id) {
  OutgoingRequest req = request("DELETE", bucket, key);
  req.query = {{"tagging", ""}};
  if (!version_id.empty()) req.query.emplace_back("versionId", version_id);
  call(std::move(req));
}

std::string S3Client::copy_object(const std::string& source_bucket, const std::string& source_key,
                                  const std::string& bucket, const std::string& key,
                                  const CopyObjectOptions& options) {
  OutgoingRequest req = request("PUT", bucket, key);
  std::string source = sigv4::uri_encode("/" + source_bucket + "/" + source_key, false);
  if (!options.source_version_id.empty()) source += "?versionId=" + sigv4::uri_encode(options.source_version_id, true);
  req.headers.emplace_back("x-amz-copy-source", source);
  if (!options.storage_class.empty()) req.headers.emplace_back("x-amz-storage-class", options.storage_class);
  if (!options.metadata_directive.empty())
    req.headers.emplace_back("x-amz-metadata-directive", options.metadata_directive);
  const std::pair<const char*, const std::string*> fields[] = {
      {"content-type", &options.content_type},          {"cache-control", &options.cache_control},
      {"content-disposition", &options.content_disposition}, {"content-encoding", &options.content_encoding},
      {"content-language", &options.content_language}};
  for (const auto& [name, value] : fields)
    if (!value->empty()) req.headers.emplace_back(name, *value);
  for (const auto& [name, value] : options.metadata) req.headers.emplace_back("x-amz-meta-" + name, value);
  if (options.tagging) {
    std::string tags;
    for (const auto& [k, v] : *options.tagging)
      tags += (tags.empty() ? "" : "&") + sigv4::uri_encode(k, true) + "=" + sigv4::uri_encode(v, true);
    req.headers.emplace_back("x-amz-tagging", tags);
    req.headers.emplace_back("x-amz-tagging-directive", "REPLACE");
  }
  if (!options.checksum_algorithm.empty())
    req.headers.emplace_back("x-amz-checksum-algorithm", options.checksum_algorithm);
  HttpReply reply = call(std::move(req));
  if (std::string code = xml_element(reply.body, "Code"); !code.empty())
    throw S3Exception(500, code, xml_element(reply.body, "Message"), "");
  return xml_etag(reply.body);
}

ListPage S3Client::list_objects_v2(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token, int max_keys,
                                   const std::string& delimiter) {
  OutgoingRequest req = request("GET", bucket, "");
  req.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) req.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) req.query.emplace_back("delimiter", delimiter);
  if (!continuation_token.empty()) req.query.emplace_back("continuation-token", continuation_token);
  HttpReply reply = call(std::move(req));
  pugi::xml_document doc;
  if (!doc.load_buffer(reply.body.data(), reply.body.size()))
    throw S3Exception(500, "InvalidResponse", "ListObjectsV2 answer is not XML", "");
  auto root = doc.child("ListBucketResult");
  ListPage page;
  page.truncated = std::string(root.child_value("IsTruncated")) == "true";
  page.next_continuation_token = root.child_value("NextContinuationToken");
  for (auto c : root.children("Contents"))
    page.objects.push_back({c.child_value("Key"), std::stoull(c.child_value("Size")),
                            c.child_value("ETag"), c.child_value("LastModified")});
  for (auto p : root.children("CommonPrefixes")) page.common_prefixes.emplace_back(p.child_value("Prefix"));
  return page;
}

std::vector<ObjectSummary> S3Client::list_all(const std::string& bucket, const std::string& prefix) {
  std::vector<ObjectSummary> out;
  std::string token;
  do {
    ListPage page = list_objects_v2(bucket, prefix, token);
    out.insert(out.end(), page.objects.begin(), page.objects.end());
    token = page.truncated ? page.next_continuation_token : "";
  } while (!token.empty());
  return out;
}

PresignedRequest S3Client::presign(const std::string& method, const std::string& bucket,
                                   const std::string& key, std::chrono::seconds expires,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   std::chrono::system_clock::time_point now) const {
  OutgoingRequest req = request(method, bucket, key);
  for (const auto& [name, value] : headers) req.headers.emplace_back(ascii_lower(name), value);
  PresignedRequest out;
  out.method = method;
  out.url = std::string(options_.endpoint.tls ? "https://" : "http://") + req.host +
            presign_sigv4(req, options_.credentials, options_.region, "s3", now, expires);
  out.headers = headers;
  return out;
}

PresignedPost S3Client::presigned_post(const std::string& bucket, const std::string& key,
                                       std::chrono::seconds expires, const PostConditions& conditions,
                                       std::chrono::system_clock::time_point now) const {
  OutgoingRequest target = request("POST", bucket, "");
  const std::string date = amz_date(now);
  const std::string credential =
      options_.credentials.access_key + "/" + sigv4::scope(date.substr(0, 8), options_.region, "s3");

  PresignedPost post;
  post.url = std::string(options_.endpoint.tls ? "https://" : "http://") + target.host +
             sigv4::uri_encode(target.path, false);
  Json policy_conditions = Json::array({{{"bucket", bucket}}});
  auto field = [&](const std::string& name, const std::string& value) {
    post.fields.emplace_back(name, value);
    policy_conditions.push_back({{name, value}});
  };
  field("key", key);
  if (!conditions.content_type.empty()) field("Content-Type", conditions.content_type);
  for (const auto& [name, value] : conditions.metadata) field("x-amz-meta-" + name, value);
  if (conditions.max_size > 0)
    policy_conditions.push_back(Json::array({"content-length-range", conditions.min_size, conditions.max_size}));
  field("x-amz-algorithm", std::string(sigv4::kAlgorithm));
  field("x-amz-credential", credential);
  field("x-amz-date", date);
  if (!options_.credentials.session_token.empty())
    field("x-amz-security-token", options_.credentials.session_token);

  const Json policy = {{"expiration", iso8601_ms(now + expires)}, {"conditions", policy_conditions}};
  const std::string encoded = base64_encode(to_text(policy));
  post.fields.emplace_back("policy", encoded);
  post.fields.emplace_back(
      "x-amz-signature",
      sigv4::signature(sigv4::signing_key(options_.credentials.secret_key, date.substr(0, 8), options_.region, "s3"),
                       encoded));
  return post;
}

}  // namespace bf
