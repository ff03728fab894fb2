// Every XML body the S3 service parses, signed so it reaches the operation: the first byte
// picks the document (Delete, CompleteMultipartUpload, notification, CORS, bucket and object
// tagging, versioning, RestoreObject, lifecycle, Intelligent-Tiering, default encryption,
// public access block, ownership, bucket and object ACLs, and the bucket policy, which is JSON);
// the rest is the body.
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>

#include <pugixml.hpp>

#include "sdk/hash.h"
#include "tests/fuzz/support.h"

namespace {

std::string upload_id_of(const bf::HttpResponse& response) {
  pugi::xml_document doc;
  const auto* body = std::get_if<std::string>(&response.body);
  if (!body || !doc.load_buffer(body->data(), body->size())) return {};
  return doc.child("InitiateMultipartUploadResult").child("UploadId").text().as_string();
}

// The documents, by the input's first byte: the request that takes each, and what must exist
// before it ("{upload}" in a target is the id of an upload made first, with two parts).
struct Document {
  const char* method;
  const char* target;
  const char* setup;  // a request sent first, or null
};
constexpr const char* kObject = "PUT /fuzz/key\n\nobject";
constexpr Document kDocuments[] = {
    {"POST", "/fuzz?delete", nullptr},
    {"POST", "/fuzz/key?uploadId={upload}", kObject},
    {"PUT", "/fuzz?notification", nullptr},
    {"PUT", "/fuzz?cors", nullptr},
    {"PUT", "/fuzz?tagging", nullptr},
    {"PUT", "/fuzz/key?tagging", kObject},
    {"PUT", "/fuzz?versioning", nullptr},
    {"POST", "/fuzz/cold?restore", "PUT /fuzz/cold\nx-amz-storage-class: GLACIER\n\narchived"},
    {"PUT", "/fuzz?lifecycle", nullptr},
    {"PUT", "/fuzz?intelligent-tiering&id=arch", nullptr},
    {"PUT", "/fuzz?encryption", nullptr},
    {"PUT", "/fuzz?publicAccessBlock", nullptr},
    {"PUT", "/fuzz?ownershipControls", nullptr},
    {"PUT", "/fuzz?acl", nullptr},
    {"PUT", "/fuzz/key?acl", kObject},
    {"PUT", "/fuzz?policy", nullptr},
};

std::string start_upload(bf::fuzz::S3Harness& harness) {
  std::string upload = upload_id_of(harness.send("POST /fuzz/key?uploads\n\n"));
  if (upload.empty()) bf::fuzz::fail("no upload id");
  harness.send("PUT /fuzz/key?partNumber=1&uploadId=" + upload + "\n\npart one");
  harness.send("PUT /fuzz/key?partNumber=2&uploadId=" + upload + "\n\npart two");
  return upload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Document& document = kDocuments[data[0] % std::size(kDocuments)];
  bf::fuzz::S3Harness harness;
  if (document.setup) harness.send(document.setup);
  bf::fuzz::TextRequest request;
  request.method = document.method;
  request.target = document.target;
  if (auto at = request.target.find("{upload}"); at != std::string::npos)
    request.target.replace(at, 8, start_upload(harness));
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  // S3 requires an integrity header on several of these; with it, the body is what is judged.
  request.headers.emplace_back("Content-MD5", bf::base64_encode(bf::md5(request.body)));
  bf::HttpResponse response = harness.send(request);
  if (response.status >= 500 && response.status != 501)
    bf::fuzz::fail("a server error", &response);  // a bad document is the client's
  return 0;
}
