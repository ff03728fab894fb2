// Any S3 request, written as text (see support.h) and signed with the test keys, against a
// store holding buckets "fuzz" and "fuzz-versioned": routing, keys, headers and bodies of
// every operation. A 5xx answer is a bug: the client's mistakes are 4xx.
#include <cstdint>
#include <cstdlib>

#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bf::fuzz::S3Harness harness;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Requests separated by a line "====": later ones see what earlier ones made.
  while (true) {
    std::size_t end = input.find("\n====\n");
    bf::HttpResponse response = harness.send(input.substr(0, end));
    if (response.status >= 500 && response.status != 501) bf::fuzz::fail("a server error", &response);
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 6);
  }
  return 0;
}
