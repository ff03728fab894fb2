#include "emulator/s3/body_pipeline.h"

#include "emulator/auth/aws_chunked.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

// Small documents (DeleteObjects with 1000 keys, CompleteMultipartUpload with 10000 parts)
// fit well within this; anything larger is not an S3 configuration document.
constexpr std::size_t kMaxTextBody = 4 * 1024 * 1024;
// S3's largest single PUT (PutObject, UploadPart): 5 GiB.
constexpr std::uint64_t kMaxBlobBody = 5ULL * 1024 * 1024 * 1024;

S3Error too_large(std::uint64_t proposed) {
  return s3_error("EntityTooLarge")
      .with("ProposedSize", std::to_string(proposed))
      .with("MaxSizeAllowed", std::to_string(kMaxBlobBody));
}

class BodyPipeline final : public BodySink {
 public:
  BodyPipeline(BodyPlan plan, ObjectStore& objects, std::string request_id,
               std::string operation, BodyHandler on_complete)
      : plan_(std::move(plan)),
        objects_(objects),
        request_id_(std::move(request_id)),
        operation_(std::move(operation)),
        on_complete_(std::move(on_complete)),
        md5_(Digest::Kind::Md5) {
    if (plan_.mode == PayloadMode::Sha256) sha256_.emplace(Digest::Kind::Sha256);
    if (plan_.mode == PayloadMode::StreamingSigned ||
        plan_.mode == PayloadMode::StreamingSignedTrailer ||
        plan_.mode == PayloadMode::StreamingUnsignedTrailer) {
      AwsChunkedDecoder::Options o;
      o.signing = plan_.signing;
      o.expect_trailer = plan_.mode != PayloadMode::StreamingSigned;
      o.signed_trailer = plan_.mode == PayloadMode::StreamingSignedTrailer;
      decoder_.emplace(o);
    }
    if (plan_.header_checksum) checksummers_.emplace_back(*plan_.header_checksum);
    if (plan_.trailer_checksum && plan_.trailer_checksum != plan_.header_checksum)
      checksummers_.emplace_back(*plan_.trailer_checksum);
  }

  std::optional<HttpResponse> write(std::string_view bytes) override {
    if (failed_) return std::nullopt;
    if (decoder_) {
      decoded_.clear();
      if (auto err = decoder_->feed(bytes, decoded_)) return fail(s3_error(err->code, err->message));
      return consume(decoded_);
    }
    return consume(bytes);
  }

  HttpResponse finish() override {
    if (auto err = verify()) return error_response(*err, request_id_);
    Body body;
    body.blob = std::move(blob_);
    body.text = std::move(text_);
    body.size = size_;
    body.md5 = md5_raw_;
    body.checksums = finished_checksums_;
    body.client_checksum = plan_.client_checksum;
    auto result = on_complete_(body);
    if (!result) return error_response(result.error(), request_id_);
    HttpResponse res = std::move(result.value());
    res.operation = operation_;
    return res;
  }

 private:
  std::optional<HttpResponse> fail(S3Error error) {
    failed_ = true;
    blob_.reset();  // removes the temp file
    HttpResponse res = error_response(error, request_id_);
    res.operation = operation_;
    return res;
  }

  std::optional<HttpResponse> consume(std::string_view bytes) {
    if (bytes.empty()) return std::nullopt;
    size_ += bytes.size();
    md5_.update(bytes);
    if (sha256_) sha256_->update(bytes);
    for (auto& c : checksummers_) c.update(bytes);
    if (plan_.destination == BodyDestination::Text) {
      if (text_.size() + bytes.size() > kMaxTextBody)
        return fail(s3_error("MaxMessageLengthExceeded", "Your request was too big."));
      text_.append(bytes);
      return std::nullopt;
    }
    // A body without a declared length (chunked) is held to the cap as it arrives.
    if (size_ > kMaxBlobBody) return fail(too_large(size_));
    if (!blob_) {
      auto writer = objects_.create_blob();
      if (!writer) return fail(s3_error("InternalError"));
      blob_ = std::move(writer.value());
    }
    if (auto s = blob_->write(bytes); !s) return fail(s3_error("InternalError"));
    return std::nullopt;
  }

  std::optional<S3Error> verify() {
    if (failed_) return s3_error("InternalError");
    if (decoder_) {
      if (auto err = decoder_->finish()) return s3_error(err->code, err->message);
      if (plan_.decoded_length && *plan_.decoded_length != size_)
        return s3_error("IncompleteBody");
    }
    if (plan_.destination == BodyDestination::Blob && !blob_) {
      auto writer = objects_.create_blob();  // an empty object still has a (zero-length) blob
      if (!writer) return s3_error("InternalError");
      blob_ = std::move(writer.value());
    }
    if (sha256_) {
      std::string computed = to_hex(sha256_->finish());
      if (computed != plan_.expected_sha256)
        return s3_error("XAmzContentSHA256Mismatch")
            .with("ClientComputedContentSHA256", plan_.expected_sha256)
            .with("S3ComputedContentSHA256", computed);
    }
    md5_raw_ = md5_.finish();
    if (!plan_.content_md5.empty() && md5_raw_ != plan_.content_md5)
      return s3_error("BadDigest")
          .with("ExpectedDigest", base64_encode(plan_.content_md5))
          .with("CalculatedDigest", base64_encode(md5_raw_));
    for (auto& c : checksummers_) {
      std::string computed = c.finish();
      finished_checksums_[c.algorithm()] = computed;
      std::string claimed;
      if (plan_.header_checksum == c.algorithm()) {
        claimed = plan_.header_checksum_value;
      } else if (plan_.trailer_checksum == c.algorithm() && decoder_) {
        auto it = decoder_->trailers().find(checksum_header(c.algorithm()));
        if (it == decoder_->trailers().end())
          return s3_error("MalformedTrailerError");
        auto raw = base64_decode(it->second);
        if (!raw || raw->size() != checksum_size(c.algorithm()))
          return s3_error("InvalidRequest", "Value for " + checksum_header(c.algorithm()) +
                                                " trailing header is invalid.");
        claimed = *raw;
      }
      if (!claimed.empty() && claimed != computed) return checksum_mismatch(c.algorithm());
    }
    return std::nullopt;
  }

  BodyPlan plan_;
  ObjectStore& objects_;
  std::string request_id_;
  std::string operation_;
  BodyHandler on_complete_;
  std::optional<AwsChunkedDecoder> decoder_;
  std::string decoded_;
  Digest md5_;
  std::string md5_raw_;
  std::optional<Digest> sha256_;
  std::vector<Checksummer> checksummers_;
  std::map<ChecksumAlgorithm, std::string> finished_checksums_;
  std::unique_ptr<BlobWriter> blob_;
  std::string text_;
  std::uint64_t size_ = 0;
  bool failed_ = false;
};

}  // namespace

std::variant<std::optional<StatedChecksum>, S3Error> read_stated_checksum(
    const std::function<const std::string*(const std::string& name)>& value_of) {
  std::optional<StatedChecksum> stated;
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms) {
    const std::string name = ascii_lower(checksum_header(alg));
    const std::string* v = value_of(name);
    if (!v) continue;
    if (stated)
      return s3_error("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple "
                                        "checksum Types are not allowed.");
    auto raw = base64_decode(*v);
    if (!raw || raw->size() != checksum_size(alg))
      return s3_error("InvalidRequest", "Value for " + checksum_header(alg) + " header is invalid.");
    stated = StatedChecksum{alg, std::move(*raw)};
  }
  return stated;
}

S3Error checksum_mismatch(ChecksumAlgorithm algorithm) {
  return s3_error("BadDigest", "The " + checksum_name(algorithm) + " you specified did not match the calculated checksum.");
}

std::variant<BodyPlan, S3Error> plan_body(const S3Request& req, BodyDestination destination) {
  BodyPlan plan;
  plan.destination = destination;
  plan.mode = req.auth.payload;
  plan.expected_sha256 = req.auth.payload_sha256;
  plan.signing = req.auth.chunk_signing;

  if (const std::string* md5 = req.header("Content-MD5")) {
    auto raw = base64_decode(*md5);
    if (!raw || raw->size() != 16) return s3_error("InvalidDigest");
    plan.content_md5 = *raw;
  }
  // CompleteMultipartUpload's x-amz-checksum-* is the object's checksum, not its XML body's:
  // the operation checks it against the object it assembles.
  const bool object_checksum = req.endpoint.operation == "CompleteMultipartUpload";
  if (!object_checksum) {
    auto stated = read_stated_checksum([&](const std::string& name) { return req.header(name); });
    if (auto* err = std::get_if<S3Error>(&stated)) return *err;
    if (auto& header = std::get<std::optional<StatedChecksum>>(stated)) {
      plan.header_checksum = header->algorithm;
      plan.header_checksum_value = std::move(header->raw);
    }
  }
  if (const std::string* trailer = req.header("x-amz-trailer")) {
    std::optional<ChecksumAlgorithm> alg;
    for (ChecksumAlgorithm a : kAllChecksumAlgorithms)
      if (iequals(*trailer, checksum_header(a))) alg = a;
    if (!alg) return s3_error("InvalidRequest", "The value specified in the x-amz-trailer header is not supported");
    if (plan.mode != PayloadMode::StreamingSignedTrailer &&
        plan.mode != PayloadMode::StreamingUnsignedTrailer)
      return s3_error("InvalidRequest", "x-amz-trailer requires a STREAMING-*-TRAILER payload");
    plan.trailer_checksum = alg;
  }
  plan.client_checksum = plan.header_checksum ? plan.header_checksum : plan.trailer_checksum;
  if (const std::string* sdk_alg = object_checksum ? nullptr : req.header("x-amz-sdk-checksum-algorithm")) {
    auto alg = parse_checksum_algorithm(*sdk_alg);
    if (!alg) return s3_error("InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    if (plan.client_checksum != alg)
      return s3_error("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no "
                                        "corresponding x-amz-checksum-* or x-amz-trailer "
                                        "headers were found.");
  }
  if (const std::string* decoded = req.header("x-amz-decoded-content-length")) {
    plan.decoded_length = parse_decimal(*decoded, 9'999'999'999'999'999'999ULL);  // up to 19 digits
    if (!plan.decoded_length) return s3_error("InvalidArgument", "x-amz-decoded-content-length is not a number");
  }
  if (destination == BodyDestination::Blob) {
    // Refused from the head, before any of the body is read.
    std::optional<std::uint64_t> declared = plan.decoded_length;
    const bool aws_chunked = plan.mode == PayloadMode::StreamingSigned ||
                             plan.mode == PayloadMode::StreamingSignedTrailer ||
                             plan.mode == PayloadMode::StreamingUnsignedTrailer;
    if (!declared && !aws_chunked) declared = req.http.content_length;
    if (declared && *declared > kMaxBlobBody) return too_large(*declared);
  }
  return plan;
}

std::unique_ptr<BodySink> make_body_pipeline(BodyPlan plan, ObjectStore& objects,
                                             std::string request_id, std::string operation,
                                             BodyHandler on_complete) {
  return std::make_unique<BodyPipeline>(std::move(plan), objects, std::move(request_id),
                                        std::move(operation), std::move(on_complete));
}

}  // namespace bf
