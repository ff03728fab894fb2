// The HTTP request head and chunked body as a connection reads them, then the S3 service's
// routing and authentication of whatever head parsed (unsigned: refused, never crashed).
#include <cstdint>
#include <cstdlib>

#include "emulator/http/request_bytes.h"
#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bf::fuzz::S3Harness harness;
  auto parsed = bf::parse_request_bytes({reinterpret_cast<const char*>(data), size});
  if (parsed.refusal && parsed.request) std::abort();  // one outcome, never both
  if (!parsed.request) return 0;
  bf::HttpResponse response = bf::fuzz::run(*harness.service, *parsed.request, parsed.body);
  if (response.status < 200 || response.status > 599) bf::fuzz::fail("not an HTTP status", &response);
  return 0;
}
