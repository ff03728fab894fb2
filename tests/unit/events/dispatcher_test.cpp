// The async rules on virtual time: AWS's real delays (one minute, then two) pass by advancing
// the clock, never by sleeping.
#include "emulator/events/dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "emulator/lambda/lineage.h"
#include "emulator/store/store.h"

namespace bf {
namespace {

template <typename Pred>
bool eventually(Pred pred) {
  // Bounded wait for other threads to act on what the test just did.
  for (int i = 0; i < 5000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

HandlerCatalog test_handlers() {
  return {{"fail", [](const Json&, Context&) -> Json { throw FunctionError("Boom", "it broke"); }},
          {"ok", [](const Json& event, Context&) { return event; }}};
}

FunctionConfig function(const std::string& name, const std::string& handler) {
  FunctionConfig f;
  f.name = name;
  f.handler = handler;
  return f;
}

struct Rig {
  VirtualClock clock;
  std::unique_ptr<Store> store = std::move(open_sqlite_store({":memory:"}).value());
  Outbox& outbox = store->outbox();
  FunctionRegistry functions{"us-east-1", test_handlers()};
  InvocationLog log{nullptr};
  Invoker invoker{functions, [](const Context&) -> std::unique_ptr<S3Client> {
                    throw std::runtime_error("no S3 in this test");
                  },
                  log};
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> bucket_writes;  // key, body
  int failing_writes = 0;
  std::unique_ptr<Dispatcher> dispatcher;

  Rig() {
    dispatcher = std::make_unique<Dispatcher>(
        outbox, clock, functions, invoker, log,
        [this](const std::string& bucket, const std::string& key, const std::string& body,
               const std::string&) {
          std::lock_guard lock(mu);
          if (failing_writes > 0) {
            --failing_writes;
            return Status::io_error("bucket unavailable");
          }
          bucket_writes.emplace_back(bucket + "/" + key, body);
          return Status::ok();
        },
        DispatcherOptions{1.0});
    outbox.on_enqueue([this] { dispatcher->wake(); });
  }
  ~Rig() { dispatcher->stop(); }

  void add(FunctionConfig f) { ASSERT_FALSE(functions.put(std::move(f)).has_value()); }
  void enqueue(const std::string& function, const std::string& context = "{}",
               std::int64_t age_ms = 0) {
    const std::int64_t now = clock.now_ms();
    ASSERT_TRUE(outbox.enqueue({OutboxEntry{0, function, R"({"n":1})", context, now - age_ms, now, 0}}));
  }
  std::size_t count(const std::string& function, const std::string& status) {
    std::size_t n = 0;
    for (const auto& r : log.recent(function, 1000)) n += r.status == status;
    return n;
  }
  void advance(std::chrono::seconds by) {
    clock.advance(by);
    dispatcher->wake();
  }
  std::size_t writes() {
    std::lock_guard lock(mu);
    return bucket_writes.size();
  }
};

TEST(Dispatcher, RetriesOnAwsScheduleThenWritesTheFailureRecord) {
  Rig rig;
  FunctionConfig f = function("thumb", "fail");
  f.async.on_failure.arn = "arn:aws:s3:::dlq";
  rig.add(f);
  rig.dispatcher->start();
  rig.enqueue("thumb");
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "Unhandled") == 1; }));
  // The second attempt waits a minute of (virtual) time.
  ASSERT_TRUE(eventually([&] { return rig.outbox.next_due_ms(rig.clock.now_ms()).has_value(); }));
  EXPECT_NEAR(static_cast<double>(*rig.outbox.next_due_ms(rig.clock.now_ms()) - rig.clock.now_ms()),
              60000.0, 1000.0);
  rig.advance(std::chrono::seconds(59));
  EXPECT_EQ(rig.count("thumb", "Unhandled"), 1u);
  rig.advance(std::chrono::seconds(2));
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "Unhandled") == 2; }));
  rig.advance(std::chrono::seconds(121));
  ASSERT_TRUE(eventually([&] { return rig.writes() == 1; }));
  EXPECT_EQ(rig.count("thumb", "Unhandled"), 3u);
  auto [key, body] = rig.bucket_writes[0];
  EXPECT_TRUE(key.starts_with("dlq/aws/lambda/async/thumb/")) << key;
  Json record = Json::parse(body);
  EXPECT_EQ(record["requestContext"]["condition"], "RetriesExhausted");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"], 3);
  EXPECT_EQ(record["requestPayload"], Json::parse(R"({"n":1})"));
  EXPECT_EQ(record["responsePayload"]["errorType"], "Boom");
  EXPECT_TRUE(eventually([&] { return rig.outbox.pending_event_count() == 0; }));
}

TEST(Dispatcher, AgedOutEventGoesToTheFunctionDestinationUnrun) {
  Rig rig;
  FunctionConfig f = function("thumb", "fail");
  f.async.maximum_event_age_seconds = 60;
  f.async.on_failure.arn = "arn:aws:lambda:us-east-1:000000000000:function:dest";
  rig.add(f);
  FunctionConfig dest = function("dest", "ok");
  rig.add(dest);
  rig.dispatcher->start();
  rig.enqueue("thumb", "{}", 61000);
  ASSERT_TRUE(eventually([&] { return rig.count("dest", "Success") == 1; }));
  EXPECT_EQ(rig.count("thumb", "EventAgeExceeded"), 1u);
  EXPECT_EQ(rig.count("thumb", "Unhandled"), 0u);
  auto runs = rig.log.recent("dest", 10);
  EXPECT_EQ(runs[0].trigger, "destination:EventAgeExceeded");
}

TEST(Dispatcher, RetryThatOutlivesTheEventAgeExpires) {
  Rig rig;
  FunctionConfig f = function("thumb", "fail");
  f.async.maximum_event_age_seconds = 90;
  rig.add(f);
  rig.dispatcher->start();
  rig.enqueue("thumb");
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "Unhandled") == 1; }));
  rig.advance(std::chrono::seconds(61));  // second attempt, at 61 s
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "Unhandled") == 2; }));
  rig.advance(std::chrono::seconds(121));  // third would be at 182 s: past 90 s
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "EventAgeExceeded") == 1; }));
  EXPECT_EQ(rig.count("thumb", "Unhandled"), 2u);
}

TEST(Dispatcher, StopsARecursiveChainAtSixteen) {
  Rig rig;
  FunctionConfig f = function("copy", "ok");
  rig.add(f);
  Lineage sixteen;
  for (int i = 0; i < kMaxRecursiveInvocations; ++i) sixteen = sixteen.with_invocation_of("copy");
  Lineage fifteen;
  for (int i = 0; i < kMaxRecursiveInvocations - 1; ++i) fifteen = fifteen.with_invocation_of("copy");
  rig.dispatcher->start();
  rig.enqueue("copy", Json{{"lineage", fifteen.field()}}.dump());
  ASSERT_TRUE(eventually([&] { return rig.count("copy", "Success") == 1; }));
  rig.enqueue("copy", Json{{"lineage", sixteen.field()}}.dump());
  ASSERT_TRUE(eventually([&] { return rig.count("copy", "RecursionStopped") == 1; }));
  EXPECT_EQ(rig.log.recursion_stopped.load(), 1u);
  EXPECT_EQ(rig.count("copy", "Success"), 1u);
}

TEST(Dispatcher, AFailedDestinationWriteIsRetriedWithoutRunningTheFunctionAgain) {
  Rig rig;
  FunctionConfig f = function("thumb", "fail");
  f.async.maximum_retry_attempts = 0;
  f.async.on_failure.arn = "arn:aws:s3:::dlq";
  rig.add(f);
  {
    std::lock_guard lock(rig.mu);
    rig.failing_writes = 2;
  }
  rig.dispatcher->start();
  rig.enqueue("thumb");
  ASSERT_TRUE(eventually([&] { return rig.count("thumb", "Unhandled") == 1; }));
  // Each failed write puts the entry back with a later due time (1 s, then 2 s).
  for (int failures = 0; failures < 2; ++failures) {
    ASSERT_TRUE(eventually([&] { return rig.outbox.next_due_ms(rig.clock.now_ms()).has_value(); }));
    rig.advance(std::chrono::seconds(5));
  }
  ASSERT_TRUE(eventually([&] { return rig.writes() == 1; }));
  EXPECT_EQ(rig.count("thumb", "Unhandled"), 1u);  // the function ran once
  EXPECT_EQ(Json::parse(rig.bucket_writes[0].second)["requestContext"]["condition"], "RetriesExhausted");
  EXPECT_TRUE(eventually([&] { return rig.outbox.pending_event_count() == 0; }));
}

TEST(Dispatcher, DelaysFollowAwsAndTheTimeScale) {
  EXPECT_EQ(retry_delay_ms(1, 1.0), 60000);
  EXPECT_EQ(retry_delay_ms(2, 1.0), 120000);
  EXPECT_EQ(retry_delay_ms(1, 0.001), 60);
  EXPECT_EQ(throttle_delay_ms(1, 1.0), 1000);
  EXPECT_EQ(throttle_delay_ms(4, 1.0), 8000);
  EXPECT_EQ(throttle_delay_ms(30, 1.0), 300000);
}

}  // namespace
}  // namespace bf
