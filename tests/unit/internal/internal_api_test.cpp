// /_bucketfire/: health, invocations, function logs and the virtual clock, answered in-process.
#include <gtest/gtest.h>

#include "emulator/internal/internal_api.h"
#include "emulator/store/store.h"
#include "sdk/json.h"

namespace bf {
namespace {

struct Fixture {
  InvocationLog log{nullptr};
  std::unique_ptr<Store> store = std::move(open_sqlite_store({":memory:"}).value());
  VirtualClock clock;
  int clock_moves = 0;
};

HttpResponse ask(InternalApi& api, const std::string& method, const std::string& target) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  return *api.begin(req).response;
}

Json body_of(const HttpResponse& res) { return Json::parse(std::get<std::string>(res.body)); }

TEST(InternalApi, AnswersHealthAndRecentInvocations) {
  Fixture f;
  InternalApi api(f.log, f.store->outbox(), f.store->buckets(), f.store->objects(), f.clock, &f.clock, [&](std::chrono::milliseconds by) { f.clock.advance(by); ++f.clock_moves; });
  auto health = ask(api, "GET", "/_bucketfire/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(body_of(health)["status"], "running");

  InvocationRecord record;
  record.function = "thumbnailer";
  record.request_id = "r1";
  record.status = "Success";
  f.log.add(record);
  auto list = body_of(ask(api, "GET", "/_bucketfire/invocations?function=thumbnailer&limit=5"));
  ASSERT_EQ(list["invocations"].size(), 1u);
  EXPECT_EQ(list["invocations"][0]["requestId"], "r1");
  EXPECT_EQ(body_of(ask(api, "GET", "/_bucketfire/invocations?function=other"))["invocations"].size(), 0u);
  EXPECT_EQ(ask(api, "GET", "/_bucketfire/invocations?limit=ten").status, 400);
}

TEST(InternalApi, MovesAVirtualClockOnly) {
  Fixture f;
  InternalApi api(f.log, f.store->outbox(), f.store->buckets(), f.store->objects(), f.clock, &f.clock, [&](std::chrono::milliseconds by) { f.clock.advance(by); ++f.clock_moves; });
  const std::int64_t before = f.clock.now_ms();
  auto moved = ask(api, "POST", "/_bucketfire/clock?advance=30d");
  EXPECT_EQ(moved.status, 200);
  EXPECT_GE(f.clock.now_ms() - before, 30LL * 86400 * 1000);
  EXPECT_EQ(f.clock_moves, 1);
  EXPECT_EQ(ask(api, "POST", "/_bucketfire/clock?advance=soon").status, 400);

  SystemClock real;
  InternalApi fixed(f.log, f.store->outbox(), f.store->buckets(), f.store->objects(), real, nullptr, {});
  EXPECT_EQ(ask(fixed, "POST", "/_bucketfire/clock?advance=1d").status, 409);
  EXPECT_EQ(body_of(ask(fixed, "GET", "/_bucketfire/clock"))["virtual"], false);
}

TEST(InternalApi, RefusesWhatItCannotServe) {
  Fixture f;
  InternalApi gated(f.log, f.store->outbox(), f.store->buckets(), f.store->objects(), f.clock, nullptr, {},
                    [](const HttpRequest&) { return std::string("sign your requests"); });
  auto refused = ask(gated, "GET", "/_bucketfire/health");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "sign your requests");

  InternalApi api(f.log, f.store->outbox(), f.store->buckets(), f.store->objects(), f.clock, nullptr, {});
  EXPECT_EQ(ask(api, "GET", "/_bucketfire/nothing-here").status, 404);
  EXPECT_EQ(ask(api, "GET", "/_bucketfire/%FF%").status, 400);
}

TEST(InternalApi, ReadsDurations) {
  EXPECT_EQ(parse_duration_ms("90s"), 90'000);
  EXPECT_EQ(parse_duration_ms("5m"), 300'000);
  EXPECT_EQ(parse_duration_ms("2h"), 7'200'000);
  EXPECT_EQ(parse_duration_ms("30d"), 2'592'000'000LL);
  EXPECT_FALSE(parse_duration_ms("30"));
  EXPECT_FALSE(parse_duration_ms("-1d"));
  EXPECT_FALSE(parse_duration_ms("1w"));
  EXPECT_FALSE(parse_duration_ms("99999999999d"));  // past a century
}

}  // namespace
}  // namespace bf
