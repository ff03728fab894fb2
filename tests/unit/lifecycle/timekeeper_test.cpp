#include "emulator/lifecycle/timekeeper.h"

#include <gtest/gtest.h>

#include <vector>

#include "emulator/store/store.h"

namespace bf {
namespace {

constexpr std::int64_t kDay = 24 * 3600 * 1000LL;

struct Fixture {
  std::unique_ptr<Store> store = std::move(open_sqlite_store({":memory:"}).value());
  VirtualClock clock;
  Timekeeper keeper{store->timers(), clock, &clock};
  std::vector<std::pair<std::string, std::int64_t>> ran;  // subject, clock when it ran

  Fixture() {
    keeper.handle("note", [this](const Timer& t) { ran.emplace_back(t.subject, clock.now_ms()); });
  }
};

TEST(Timekeeper, AdvanceRunsEachTimerAtItsTimeInOrder) {
  Fixture f;
  const std::int64_t start = f.clock.now_ms();
  ASSERT_TRUE(f.store->timers().add({{0, start + 300 * kDay, "note", "late"},
                                     {0, start + 2 * kDay, "note", "early"},
                                     {0, start + 500 * kDay, "note", "beyond"},
                                     {0, start + 2 * kDay, "unknown", "dropped"}}));
  f.keeper.advance(std::chrono::milliseconds(400 * kDay));
  ASSERT_EQ(f.ran.size(), 2u);
  EXPECT_EQ(f.ran[0].first, "early");
  EXPECT_EQ(f.ran[1].first, "late");
  // Each ran with the clock at its due time (real time passes a little meanwhile).
  EXPECT_GE(f.ran[0].second, start + 2 * kDay);
  EXPECT_LT(f.ran[0].second, start + 2 * kDay + 60000);
  EXPECT_GE(f.ran[1].second, start + 300 * kDay);
  EXPECT_LT(f.ran[1].second, start + 300 * kDay + 60000);
  EXPECT_GE(f.clock.now_ms(), start + 400 * kDay);
  // What ran (and the unknown kind) is gone; the timer beyond the interval waits.
  EXPECT_EQ(f.store->timers().pending_timer_count(), 1u);
}

TEST(Timekeeper, StopsWhereTheCompanionHasWorkAndLetsItSettle) {
  Fixture f;
  const std::int64_t start = f.clock.now_ms();
  std::vector<std::int64_t> companion_due{start + kDay, start + 3 * kDay};
  std::vector<std::int64_t> settled_at;
  Timekeeper::Companion companion{
      [&](std::int64_t after) -> std::optional<std::int64_t> {
        for (auto due : companion_due)
          if (due > after) return due;
        return std::nullopt;
      },
      [&] { settled_at.push_back(f.clock.now_ms()); }};
  f.keeper.advance(std::chrono::milliseconds(5 * kDay), companion);
  // Once before moving, once at each of its due times, once at the end.
  ASSERT_EQ(settled_at.size(), 4u);
  EXPECT_GE(settled_at[1], start + kDay);
  EXPECT_LT(settled_at[1], start + kDay + 60000);
  EXPECT_GE(settled_at[2], start + 3 * kDay);
  EXPECT_GE(settled_at[3], start + 5 * kDay);
}

TEST(Timekeeper, ARealClockIsNotMoved) {
  auto store = std::move(open_sqlite_store({":memory:"}).value());
  SystemClock real;
  Timekeeper keeper(store->timers(), real, nullptr);
  const std::int64_t before = real.now_ms();
  keeper.advance(std::chrono::milliseconds(kDay));
  EXPECT_LT(real.now_ms() - before, kDay);
}

}  // namespace
}  // namespace bf
