// The invoker runs in-process handlers on its workers with Lambda's outcomes: the handler's
// answer, its error as Lambda reports it, a timeout, and throttling at a reserved concurrency.
#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "emulator/lambda/invoker.h"

namespace bf {
namespace {

struct Fixture {
  InvocationLog log{nullptr};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  FunctionRegistry registry{"us-east-1", HandlerCatalog{
      {"echo", [](const Json& event, Context&) { return event; }},
      {"fail", [](const Json&, Context&) -> Json { throw std::runtime_error("no thumbnail today"); }},
      {"hold", [this](const Json&, Context&) {
         released.wait();  // until the test lets it go
         return Json{{"held", true}};
       }},
  }};
  Invoker invoker{registry, [](const Context&) -> std::unique_ptr<S3Client> { return nullptr; }, log, 4};

  InvokeRequest request(const std::string& handler, std::string payload = "{}", int timeout_s = 3) {
    InvokeRequest r;
    r.function.name = handler;
    r.function.handler = handler;
    r.function.timeout_s = timeout_s;
    r.payload = std::move(payload);
    r.request_id = "req-" + handler;
    r.trigger = "test";
    return r;
  }
};

TEST(Invoker, ReturnsTheHandlersAnswerAndLogsTheInvocation) {
  Fixture f;
  InvokeResult result = f.invoker.run(f.request("echo", R"({"n":1})"));
  EXPECT_EQ(result.outcome, Outcome::Success);
  EXPECT_EQ(Json::parse(result.payload), Json::parse(R"({"n":1})"));
  EXPECT_NE(result.log.find("START RequestId: req-echo"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("REPORT RequestId: req-echo"), std::string::npos) << result.log;
  auto recent = f.log.recent("echo", 10);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].status, "Success");
}

TEST(Invoker, ReportsAThrownErrorAsLambdaDoes) {
  Fixture f;
  InvokeResult result = f.invoker.run(f.request("fail"));
  EXPECT_EQ(result.outcome, Outcome::FunctionError);
  Json error = Json::parse(result.payload);
  EXPECT_EQ(error["errorMessage"], "no thumbnail today");
  EXPECT_TRUE(error.contains("errorType"));
}

TEST(Invoker, EndsAnInvocationAtItsTimeout) {
  Fixture f;
  InvokeResult result = f.invoker.run(f.request("hold", "{}", 1));
  EXPECT_EQ(result.outcome, Outcome::Timeout);
  EXPECT_NE(result.payload.find("Task timed out after 1"), std::string::npos) << result.payload;
  f.release.set_value();  // the abandoned handler finishes on its worker
}

TEST(Invoker, ThrottlesPastTheReservedConcurrency) {
  Fixture f;
  InvokeRequest first = f.request("hold", "{}", 30);
  first.function.reserved_concurrency = 1;
  std::promise<InvokeResult> first_done;
  f.invoker.start(first, [&](InvokeResult r) { first_done.set_value(std::move(r)); });
  // start() takes the slot before it returns, and the first holds it until released: a second
  // call is throttled at once.
  InvokeRequest second = first;
  second.request_id = "req-second";
  InvokeResult throttled = f.invoker.run(second);
  EXPECT_EQ(throttled.outcome, Outcome::Throttled);
  EXPECT_EQ(throttled.error_type, "TooManyRequestsException");
  f.release.set_value();
  EXPECT_EQ(first_done.get_future().get().outcome, Outcome::Success);
}

}  // namespace
}  // namespace bf
