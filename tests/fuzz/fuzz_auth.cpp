// SigV4 and SigV2 in headers and in query strings, and the streaming payload forms: the input
// is a request as text (see support.h), sent as written, unsigned by the harness. Seeds are
// real clients' signatures for 2026-01-01T00:00:00Z, the harness's clock, so they verify.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "emulator/auth/verify.h"
#include "emulator/s3/router.h"
#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bf::CredentialStore credentials = [] {
    bf::CredentialStore store;
    store.add({bf::fuzz::kAccessKey, bf::fuzz::kSecretKey, "default"});
    return store;
  }();
  static const bf::fuzz::FixedClock clock;
  static const bf::RouterOptions router = bf::default_router_options(bf::fuzz::kRegion);

  auto text = bf::fuzz::parse_text_request({reinterpret_cast<const char*>(data), size});
  bf::HttpRequest request;
  request.method = text.method;
  request.target = text.target;
  request.headers = text.headers;
  request.remote_ip = "127.0.0.1";
  request.request_id = "FUZZ";
  request.content_length = text.body.size();
  request.has_body = !text.body.empty();

  auto routed = bf::route_s3(request, router);
  auto* endpoint = std::get_if<bf::Endpoint>(&routed);
  if (!endpoint) return 0;
  bf::AuthSettings settings{credentials, clock, bf::fuzz::kRegion, "s3", std::nullopt};
  auto s3 = bf::authenticate(
      bf::SignedRequest{request, *endpoint, endpoint->virtual_hosted ? endpoint->bucket : "",
                        !endpoint->key.empty()},
      settings);
  if (std::getenv("BF_FUZZ_VERBOSE"))
    std::fprintf(stderr, "%s %s -> %s\n", request.method.c_str(), request.target.c_str(),
                 s3 ? "verified" : s3.error().code.c_str());
  settings.body_sha256 = bf::sigv4::kEmptySha256;  // as the Lambda API verifies
  settings.service = "lambda";
  if (auto target = bf::parse_target(request.target))
    (void)bf::authenticate(bf::SignedRequest{request, *target}, settings);
  return 0;
}
