// What a CloudWatch Logs client sends: each of the API's operations reads the input as its JSON
// body, over a store that holds one group with a few events. Each answers 200 or CloudWatch
// Logs' error in its JSON shape, never anything else.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/logs/logs_api.h"
#include "sdk/json.h"
#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto store = std::move(bf::open_sqlite_store({":memory:", false}).value());
  bf::fuzz::FixedClock clock;
  bf::CredentialStore credentials;
  {
    bf::LogRecorder recorder(store->logs(), clock, 7);
    for (const char* line : {"START RequestId: 1", "{\"level\":\"error\",\"n\":5}", "END RequestId: 1"})
      recorder.line("fn", line);
  }
  bf::LogRecorder recorder(store->logs(), clock, 7);
  bf::LogsApi api(store->logs(), recorder, credentials, "us-east-1", "000000000000", clock);
  for (const char* operation : {"DescribeLogGroups", "DescribeLogStreams", "GetLogEvents", "FilterLogEvents",
                                "PutRetentionPolicy", "DeleteRetentionPolicy"}) {
    const bf::HttpResponse res = api.operate(operation, body, "rid");
    const bf::Json answer = bf::Json::parse(std::get<std::string>(res.body), nullptr, false);
    if (answer.is_discarded() || !answer.is_object()) std::abort();
    if (res.status != 200 && (res.status != 400 || !answer.contains("__type") || !answer.contains("message")))
      std::abort();
  }
  return 0;
}
