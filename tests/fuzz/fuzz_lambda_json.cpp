// The Lambda API's JSON bodies (CreateFunction with its zip, UpdateFunctionConfiguration and
// Code, event invoke configs, concurrency, recursion): up to four requests as text (see
// support.h), separated by a line "====", signed for "lambda". Invoke is left out: a fuzzed
// zip's bootstrap would run.
#include <cstdint>
#include <cstdlib>

#include "emulator/lambda/external_runtime.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/lambda/invoker.h"
#include "emulator/lambda/lambda_api.h"
#include "tests/fuzz/support.h"

namespace {

struct LambdaHarness {
  bf::fuzz::FixedClock clock;
  bf::CredentialStore credentials;
  std::unique_ptr<bf::Store> store = std::move(bf::open_sqlite_store({":memory:", false}).value());
  bf::FunctionRegistry functions{bf::fuzz::kRegion,
                                 {{"echo", [](const bf::Json& event, bf::Context&) { return event; }}}};
  bf::InvocationLog log{nullptr};
  bf::Invoker invoker{functions, [](const bf::Context&) { return nullptr; }, log, 4};
  bf::ExternalRuntimes external{{bf::fuzz::kRegion, "test", "test", "", ""}, log};
  bf::LambdaApi api{functions, invoker, store->outbox(), store->buckets(), store->objects(),
                    clock, credentials, bf::fuzz::kRegion, &external, &clock};

  LambdaHarness() {
    credentials.add({bf::fuzz::kAccessKey, bf::fuzz::kSecretKey, "default"});
    functions.keep_in(store->documents());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  LambdaHarness harness;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4; ++i) {
    std::size_t end = input.find("\n====\n");
    auto request = bf::fuzz::parse_text_request(input.substr(0, end));
    if (request.target.find("invocations") == std::string::npos) {
      bf::HttpResponse response =
          bf::fuzz::run(harness.api, bf::fuzz::sign(request, harness.clock, "lambda"), request.body);
      if (response.status >= 500 && response.status != 501) bf::fuzz::fail("a server error", &response);  // a bad request is the client's
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 6);
  }
  return 0;
}
