#include "emulator/s3/post_object.h"

#include "emulator/auth/verify.h"
#include "emulator/s3/access_control.h"
#include "emulator/s3/body_pipeline.h"
#include "emulator/s3/bucket_encryption.h"
#include "emulator/s3/object_common.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/post_policy.h"
#include "emulator/s3/versioning.h"
#include "emulator/s3/xml.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kMaxPartHeader = 8 * 1024;
constexpr std::size_t kMaxFieldsBytes = 1024 * 1024;  // all fields before the file together


// `name="value"` from a Content-Disposition header.
std::optional<std::string> disposition_param(const std::string& header, const std::string& param) {
  std::string needle = param + "=\"";
  std::size_t pos = 0;
  while ((pos = header.find(needle, pos)) != std::string::npos) {
    // Match whole parameter names only ("name" must not match inside "filename").
    if (pos == 0 || header[pos - 1] == ' ' || header[pos - 1] == ';') {
      auto end = header.find('"', pos + needle.size());
      if (end == std::string::npos) return std::nullopt;
      return header.substr(pos + needle.size(), end - pos - needle.size());
    }
    pos += needle.size();
  }
  return std::nullopt;
}

class PostObjectSink final : public BodySink {
 public:
  PostObjectSink(S3Context& ctx, const CredentialStore& credentials, const HttpRequest& request,
                 std::shared_ptr<const BucketView> view, std::string boundary)
      : ctx_(ctx),
        credentials_(credentials),
        request_(request),
        view_(std::move(view)),
        bucket_(view_->name()),
        delimiter_("\r\n--" + boundary),
        md5_(Digest::Kind::Md5) {
    // The body starts with the first boundary line; giving it the leading CRLF makes every
    // boundary the same delimiter.
    buffer_ = "\r\n";
  }

  std::optional<HttpResponse> write(std::string_view bytes) override {
    if (failed_) return std::nullopt;
    buffer_.append(bytes);
    if (auto err = parse()) return fail(*err);
    return std::nullopt;
  }

  HttpResponse finish() override {
    if (failed_) return respond_error(s3_error("InternalError"));
    if (state_ == State::File) return respond_error(s3_error("IncompleteBody"));
    if (!file_seen_)
      return respond_error(s3_error("InvalidArgument", "POST requires exactly one file upload per request.")
                               .with("ArgumentName", "file")
                               .with("ArgumentValue", "0"));
    if (size_ < range_.min)
      return respond_error(s3_error("EntityTooSmall")
                               .with("ProposedSize", std::to_string(size_))
                               .with("MinSizeAllowed", std::to_string(range_.min)));
    if (checksum_) {
      const std::string computed = checksum_->finish();
      if (computed != checksum_expected_) return respond_error(checksum_mismatch(checksum_->algorithm()));
      meta_.checksum_algorithm = checksum_name(checksum_->algorithm());
      meta_.checksum_value = base64_encode(computed);
      meta_.checksum_type = "FULL_OBJECT";
    }
    return commit();
  }

 private:
  enum class State { Boundary, Headers, Field, File, Done };

  std::optional<HttpResponse> fail(const S3Error& error) {
    failed_ = true;
    blob_.reset();
    return respond_error(error);
  }

  HttpResponse respond_error(const S3Error& error) {
    HttpResponse res = error_response(error, request_.request_id);
    res.operation = "PostObject";
    return res;
  }

  std::optional<S3Error> parse() {
    while (true) {
      switch (state_) {
        case State::Boundary: {
          // Expect the delimiter followed by CRLF (another part) or "--" (the end).
          auto pos = buffer_.find(delimiter_);
          if (pos == std::string::npos) {
            if (buffer_.size() > kMaxPartHeader) return malformed();
            return std::nullopt;
          }
          if (buffer_.size() < pos + delimiter_.size() + 2) return std::nullopt;
          const std::string after = buffer_.substr(pos + delimiter_.size(), 2);
          buffer_.erase(0, pos + delimiter_.size() + 2);
          if (after == "--") {
            state_ = State::Done;
            break;
          }
          if (after != "\r\n") return malformed();
          state_ = State::Headers;
          break;
        }
        case State::Headers: {
          auto end = buffer_.find("\r\n\r\n");
          if (end == std::string::npos) {
            if (buffer_.size() > kMaxPartHeader) return malformed();
            return std::nullopt;
          }
          std::string headers = buffer_.substr(0, end);
          buffer_.erase(0, end + 4);
          part_name_.clear();
          part_filename_.reset();
          std::size_t start = 0;
          while (start < headers.size()) {
            auto eol = headers.find("\r\n", start);
            std::string line = headers.substr(start, eol == std::string::npos ? std::string::npos : eol - start);
            if (ascii_lower(line).starts_with("content-disposition:")) {
              part_name_ = disposition_param(line, "name").value_or("");
              part_filename_ = disposition_param(line, "filename");
            }
            if (eol == std::string::npos) break;
            start = eol + 2;
          }
          if (part_name_.empty()) return malformed();
          if (ascii_lower(part_name_) == "file") {
            if (auto err = begin_file()) return err;
            state_ = State::File;
          } else {
            state_ = State::Field;
          }
          break;
        }
        case State::Field: {
          auto pos = buffer_.find(delimiter_);
          if (pos == std::string::npos) {
            if (fields_bytes_ + buffer_.size() > kMaxFieldsBytes)
              return s3_error("MaxPostPreDataLengthExceededError",
                              "Your POST request fields preceeding the upload file was too large.");
            return std::nullopt;
          }
          fields_bytes_ += pos;
          if (fields_bytes_ > kMaxFieldsBytes)
            return s3_error("MaxPostPreDataLengthExceededError",
                            "Your POST request fields preceeding the upload file was too large.");
          std::string name = ascii_lower(part_name_);
          if (!form_.fields.count(name)) {
            form_.fields[name] = buffer_.substr(0, pos);
            original_names_[name] = part_name_;
          }
          buffer_.erase(0, pos);
          state_ = State::Boundary;
          break;
        }
        case State::File: {
          auto pos = buffer_.find(delimiter_);
          std::size_t take = pos != std::string::npos
                                 ? pos
                                 : (buffer_.size() >= delimiter_.size() ? buffer_.size() - delimiter_.size() + 1 : 0);
          if (take > 0) {
            if (auto err = file_bytes(std::string_view(buffer_.data(), take))) return err;
            buffer_.erase(0, take);
          }
          if (pos == std::string::npos) return std::nullopt;
          state_ = State::Done;  // fields after the file are ignored, as on AWS
          break;
        }
        case State::Done:
          buffer_.clear();
          return std::nullopt;
      }
    }
  }

  S3Error malformed() {
    return s3_error("MalformedPOSTRequest",
                    "The body of your POST request is not well-formed multipart/form-data.");
  }

  std::string field(const std::string& name) const {
    auto it = form_.fields.find(name);
    return it == form_.fields.end() ? std::string() : it->second;
  }

  // All fields have arrived: authenticate, check the policy, and open the blob.
  std::optional<S3Error> begin_file() {
    file_seen_ = true;
    form_.bucket = bucket_;
    if (!form_.fields.count("key"))
      return s3_error("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
          .with("ArgumentName", "key")
          .with("ArgumentValue", "");
    key_ = field("key");
    const std::string filename = part_filename_.value_or("");
    for (std::size_t at; (at = key_.find("${filename}")) != std::string::npos;)
      key_.replace(at, 11, filename);
    // Conditions on $key see the key with ${filename} replaced, as S3 compares it (which is why
    // the SDKs' presigned POSTs give such a key a starts-with condition, never an eq).
    form_.fields["key"] = key_;
    if (auto err = validate_key(key_)) return err;
    if (key_.empty())
      return s3_error("InvalidArgument", "User key must have a length greater than 0.");

    const std::string policy_b64 = field("policy");
    if (form_.fields.count("x-amz-signature") || form_.fields.count("x-amz-algorithm")) {
      if (auto err = verify_v4(policy_b64)) return err;
    } else if (form_.fields.count("awsaccesskeyid") || form_.fields.count("signature")) {
      if (auto err = verify_v2(policy_b64)) return err;
    } else if (!policy_b64.empty()) {
      // A policy without its signature is a signed form missing a field, not an anonymous one.
      return s3_error("InvalidArgument", "Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is "
                                         "specified, please check the order of the fields.")
          .with("ArgumentName", "AWSAccessKeyId")
          .with("ArgumentValue", "");
    } else {
      // Unsigned: an anonymous upload, which only the bucket's policy (or a public-write ACL)
      // can allow; it needs no POST policy.
      Endpoint endpoint;
      endpoint.operation = "PostObject";
      endpoint.bucket = bucket_;
      endpoint.key = key_;
      if (auto err = authorize(request_, endpoint, view_.get(), nullptr, ctx_.objects)) return err;
      principal_ = "anonymous";
    }
    if (signer_) {
      if (policy_b64.empty()) return s3_error("AccessDenied", "Bucket POST must contain a field named 'policy'.");
      auto policy = base64_decode(policy_b64);
      if (!policy) return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid Base64 encoding.");
      if (auto err = check_post_policy(*policy, form_, ctx_.signing_clock().now_ms(), range_)) return err;
    }
    if (auto err = read_object_fields()) return err;

    auto writer = ctx_.objects.create_blob();
    if (!writer) return s3_error("InternalError");
    blob_ = std::move(writer.value());
    return std::nullopt;
  }

  // The form's fields that make the object: its class, tags (a <Tagging> document), ACL and
  // encryption, checked as the same headers of a PutObject are.
  std::optional<S3Error> read_object_fields() {
    Headers headers;
    for (const char* name : {"x-amz-storage-class", "acl", "x-amz-server-side-encryption",
                             "x-amz-server-side-encryption-aws-kms-key-id",
                             "x-amz-server-side-encryption-customer-algorithm"})
      if (form_.fields.count(name))
        headers.emplace_back(std::string(name) == "acl" ? "x-amz-acl" : name, field(name));
    if (auto err = read_storage_class(headers, storage_class_)) return err;
    if (form_.fields.count("tagging")) {
      if (auto err = parse_tag_set_xml(field("tagging"), meta_.tags)) return err;
      if (auto err = validate_tags(meta_.tags)) return err;
    }
    if (auto err = read_checksum_field()) return err;
    return read_access_headers(headers, *view_, meta_.acl, meta_.encryption);
  }

  // An x-amz-checksum-<algorithm> field: the file's checksum, checked once it has arrived and
  // kept with the object, as the same header of a PutObject is. (Like any field it must be
  // covered by the policy.)
  std::optional<S3Error> read_checksum_field() {
    auto stated = read_stated_checksum([&](const std::string& name) -> const std::string* {
      auto it = form_.fields.find(name);
      return it == form_.fields.end() ? nullptr : &it->second;
    });
    if (auto* err = std::get_if<S3Error>(&stated)) return *err;
    if (auto& field = std::get<std::optional<StatedChecksum>>(stated)) {
      checksum_.emplace(field->algorithm);
      checksum_expected_ = std::move(field->raw);
    }
    return std::nullopt;
  }

  std::optional<S3Error> verify_v4(const std::string& policy_b64) {
    if (field("x-amz-algorithm") != sigv4::kAlgorithm)
      return s3_error("InvalidArgument", "Invalid algorithm").with("ArgumentName", "x-amz-algorithm");
    std::string credential = field("x-amz-credential");
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      auto slash = credential.find('/', start);
      parts.push_back(credential.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (parts.size() != 5 || parts[4] != "aws4_request")
      return s3_error("InvalidArgument", "Invalid credential").with("ArgumentName", "x-amz-credential");
    const Credentials* creds = credentials_.find(parts[0]);
    if (!creds) return s3_error("InvalidAccessKeyId").with("AWSAccessKeyId", parts[0]);
    // Signed for the region the bucket lives in, as every request to it is.
    const std::string& region = view_->record().region;
    if (parts[2] != region)
      return s3_error("AuthorizationHeaderMalformed", "the region '" + parts[2] + "' is wrong; expecting '" + region + "'")
          .with("Region", region);
    std::string key = sigv4::signing_key(creds->secret_key, parts[1], parts[2], parts[3]);
    std::string expected = sigv4::signature(key, policy_b64);
    std::string provided = field("x-amz-signature");
    if (!constant_time_equal(expected, provided))
      return s3_error("SignatureDoesNotMatch")
          .with("AWSAccessKeyId", parts[0])
          .with("StringToSign", policy_b64)
          .with("SignatureProvided", provided);
    principal_ = creds->principal;
    signer_ = creds;
    return std::nullopt;
  }

  std::optional<S3Error> verify_v2(const std::string& policy_b64) {
    for (const char* required : {"AWSAccessKeyId", "Signature"})
      if (!form_.fields.count(ascii_lower(required)))
        return s3_error("InvalidArgument", std::string("Bucket POST must contain a field named '") + required +
                                               "'.  If it is specified, please check the order of the fields.")
            .with("ArgumentName", required)
            .with("ArgumentValue", "");
    std::string access_key = field("awsaccesskeyid");
    const Credentials* creds = credentials_.find(access_key);
    if (!creds) return s3_error("InvalidAccessKeyId").with("AWSAccessKeyId", access_key);
    std::string expected = base64_encode(hmac_sha1(creds->secret_key, policy_b64));
    std::string provided = field("signature");
    if (!constant_time_equal(expected, provided))
      return s3_error("SignatureDoesNotMatch")
          .with("AWSAccessKeyId", access_key)
          .with("StringToSign", policy_b64)
          .with("SignatureProvided", provided);
    principal_ = creds->principal;
    signer_ = creds;
    return std::nullopt;
  }

  std::optional<S3Error> file_bytes(std::string_view bytes) {
    size_ += bytes.size();
    if (size_ > range_.max)
      return s3_error("EntityTooLarge")
          .with("ProposedSize", std::to_string(size_))
          .with("MaxSizeAllowed", std::to_string(range_.max));
    md5_.update(bytes);
    if (checksum_) checksum_->update(bytes);
    if (Status s = blob_->write(bytes); !s) return s3_error("InternalError");
    return std::nullopt;
  }

  HttpResponse commit() {
    ObjectMeta& meta = meta_;
    Headers headers;
    for (const auto& [name, value] : form_.fields) headers.emplace_back(original_names_[name], value);
    read_meta_headers(headers, meta);
    meta.owner = principal_;
    ObjectRecord record;
    record.bucket = bucket_;
    record.key = key_;
    record.blob_id = blob_->id();
    record.size = size_;
    record.etag = to_hex(md5_.finish());
    record.last_modified_ms = ctx_.clock.now_ms();
    record.storage_class = storage_class_;
    record.meta = meta.to_json();
    const Versioning versioning = view_->versioning;
    record.version_id = version_id_for(versioning);
    ChangeEvents events;
    if (ctx_.observer)
      events = ctx_.observer->events_for(event_origin(request_, signer_), *view_,
                                         "ObjectCreated:Post");
    if (Status s = ctx_.objects.put_object(record, std::move(blob_), {}, versioning, events); !s)
      return respond_error(internal_error(s));

    HttpResponse res;
    res.operation = "PostObject";
    res.set_header("x-amz-request-id", request_.request_id);
    res.set_header("x-amz-id-2", request_.request_id);
    res.set_header("ETag", quote_etag(record.etag));
    write_encryption_headers(meta.encryption, res);
    write_checksum_headers(meta, res);
    set_written_version_header(versioning, record.version_id, res);
    const std::string* host = request_.header("Host");
    std::string location = "http://" + (host ? *host : std::string("localhost")) + "/" + bucket_ + "/" +
                           sigv4::uri_encode(key_, false);
    res.set_header("Location", location);
    res.body = std::string();
    std::string redirect = field("success_action_redirect");
    if (redirect.empty()) redirect = field("redirect");
    if (!redirect.empty()) {
      res.status = 303;
      std::string sep = redirect.find('?') == std::string::npos ? "?" : "&";
      res.headers.erase(std::remove_if(res.headers.begin(), res.headers.end(),
                                       [](const auto& h) { return h.first == "Location"; }),
                        res.headers.end());
      res.set_header("Location", redirect + sep + "bucket=" + sigv4::uri_encode(bucket_, true) +
                                     "&key=" + sigv4::uri_encode(key_, true) + "&etag=" +
                                     sigv4::uri_encode(quote_etag(record.etag), true));
      return res;
    }
    std::string status = field("success_action_status");
    if (status == "200") {
      res.status = 200;
    } else if (status == "201") {
      res.status = 201;
      std::string body(xml::kDeclaration);
      body += "<PostResponse>";
      xml::element(body, "Location", location);
      xml::element(body, "Bucket", bucket_);
      xml::element(body, "Key", key_);
      xml::element(body, "ETag", quote_etag(record.etag));
      body += "</PostResponse>";
      res.set_header("Content-Type", "application/xml");
      res.body = std::move(body);
    } else {
      res.status = 204;
    }
    return res;
  }

  S3Context& ctx_;
  const CredentialStore& credentials_;
  const HttpRequest& request_;
  std::shared_ptr<const BucketView> view_;
  std::string bucket_;
  std::string delimiter_;
  std::string buffer_;
  State state_ = State::Boundary;
  std::string part_name_;
  std::optional<std::string> part_filename_;
  PostForm form_;
  std::map<std::string, std::string> original_names_;
  std::size_t fields_bytes_ = 0;
  bool file_seen_ = false;
  bool failed_ = false;
  std::string key_;
  std::string principal_;
  const Credentials* signer_ = nullptr;  // null for an anonymous upload
  ObjectMeta meta_;  // what the fields before the file set: tags, ACL, encryption
  std::string storage_class_ = "STANDARD";
  ContentLengthRange range_;
  std::unique_ptr<BlobWriter> blob_;
  Digest md5_;
  std::optional<Checksummer> checksum_;  // the x-amz-checksum-* field's algorithm, if one came
  std::string checksum_expected_;         // its value, raw
  std::uint64_t size_ = 0;
};

}  // namespace

Dispatch begin_post_object(S3Context& context, const CredentialStore& credentials,
                           const HttpRequest& request, const Endpoint& endpoint,
                           std::shared_ptr<const BucketView> bucket) {
  Dispatch d;
  auto refuse = [&](const S3Error& error) {
    d.response = error_response(error, request.request_id);
    d.response->operation = "PostObject";
    return std::move(d);
  };
  if (!bucket)
    return refuse(s3_error("NoSuchBucket").with("BucketName", endpoint.bucket));
  const std::string* type = request.header("Content-Type");
  std::string boundary;
  if (type && ascii_lower(*type).starts_with("multipart/form-data")) {
    auto pos = ascii_lower(*type).find("boundary=");
    if (pos != std::string::npos) {
      boundary = type->substr(pos + 9);
      if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
      if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
        boundary = boundary.substr(1, boundary.size() - 2);
    }
  }
  if (boundary.empty() || boundary.size() > 200)
    return refuse(s3_error("PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data")
                      .with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data"));
  d.sink = std::make_unique<PostObjectSink>(context, credentials, request, std::move(bucket), boundary);
  return d;
}

}  // namespace bf
