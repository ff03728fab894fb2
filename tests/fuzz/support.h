// What the fuzz targets share: requests written as text ("METHOD target", header lines, a
// blank line, the body) signed with the published test keys, so fuzzed bytes get past SigV4 to
// the operation behind it; and an S3 service over a fresh in-memory store for each input, so a
// crash reproduces from its one input.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/http/message.h"
#include "emulator/s3/service.h"
#include "emulator/store/store.h"

namespace bf::fuzz {

inline constexpr const char* kAccessKey = "test";
inline constexpr const char* kSecretKey = "test";
inline constexpr const char* kRegion = "us-east-1";
inline constexpr const char* kHost = "127.0.0.1:4566";

// Every target's now: 2026-01-01T00:00:00Z, so seeds signed for that instant stay valid and an
// input behaves the same on every run.
class FixedClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  }
};

struct TextRequest {
  std::string method;
  std::string target;  // as written: path and query, percent-encoded or not
  Headers headers;
  std::string body;
};

// "METHOD target\nName: value\n...\n\nbody"; a missing part is empty. Never fails.
TextRequest parse_text_request(std::string_view text);

// The request as a client would send it, signed for `service` at `clock`'s now: the target is
// decoded and re-encoded as the SDK does, and every given header is signed.
HttpRequest sign(const TextRequest& request, const Clock& clock, const std::string& service);

// Reports a broken invariant (with the answer that broke it, if any) and aborts, which is
// how a fuzz target says it found a bug.
[[noreturn]] void fail(const char* why, const HttpResponse* response = nullptr);

// Gives the request to the service and its body in uneven pieces, as a socket delivers them.
HttpResponse run(Service& service, const HttpRequest& request, std::string_view body);

// An S3 service on an in-memory store holding bucket "fuzz" (versioning enabled on
// "fuzz-versioned"); notifications may name the function "fuzz".
class S3Harness {
 public:
  S3Harness();
  HttpResponse send(const TextRequest& request);
  HttpResponse send(std::string_view request_text) { return send(parse_text_request(request_text)); }

  FixedClock clock;
  CredentialStore credentials;
  std::unique_ptr<Store> store;
  std::unique_ptr<S3Service> service;
};

}  // namespace bf::fuzz
