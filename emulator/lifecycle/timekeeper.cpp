#include "emulator/lifecycle/timekeeper.h"

#include <algorithm>
#include <cstdio>

namespace bf {

namespace {

// Timers run in batches so a year of them never sits in memory at once.
constexpr std::size_t kBatch = 256;
// The longest the thread sleeps without looking: a virtual clock moved by someone other than
// advance() (tests, the CLI) is noticed within this time.
constexpr std::chrono::seconds kLongestSleep{1};

}  // namespace

Timekeeper::Timekeeper(Timers& timers, const Clock& clock, VirtualClock* virtual_clock)
    : timers_(timers), clock_(clock), virtual_clock_(virtual_clock) {}

Timekeeper::~Timekeeper() { stop(); }

void Timekeeper::handle(const std::string& kind, Action action) { actions_[kind] = std::move(action); }

void Timekeeper::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Timekeeper::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Timekeeper::wake() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void Timekeeper::advance(std::chrono::milliseconds by, const Companion& companion) {
  if (!virtual_clock_) return;
  std::lock_guard run(run_mu_);
  const std::int64_t target = clock_.now_ms() + by.count();
  auto settle = [&] {
    if (companion.settle) companion.settle();
  };
  auto move_to = [&](std::int64_t when) {
    const std::int64_t now = clock_.now_ms();
    if (when <= now) return;
    virtual_clock_->advance(std::chrono::milliseconds(when - now));
    if (companion.moved) companion.moved();
  };
  settle();
  // Step the clock to each due time in turn, so every action (and the events it records) sees
  // the time it was due at, and later work sees what earlier work did.
  for (;;) {
    const std::int64_t now = clock_.now_ms();
    std::optional<std::int64_t> next = timers_.next_due_ms();
    if (companion.next_due_ms)
      if (auto other = companion.next_due_ms(now); other && (!next || *other < *next)) next = other;
    if (!next || *next > target) break;
    move_to(*next);
    run_due_locked();
    settle();
  }
  move_to(target);
  run_due_locked();
  settle();
}

void Timekeeper::run_due_locked() {
  for (;;) {
    auto batch = timers_.due(clock_.now_ms(), kBatch);
    for (const auto& timer : batch) {
      if (auto it = actions_.find(timer.kind); it != actions_.end()) {
        try {
          it->second(timer);
        } catch (const std::exception& e) {
          // One bad timer must not stop the others; it is dropped like an unknown kind.
          std::fprintf(stderr, "bucketfire: timer %lld (%s) failed: %s\n",
                       static_cast<long long>(timer.id), timer.kind.c_str(), e.what());
        }
      }
      timers_.remove(timer.id);
    }
    if (batch.size() < kBatch) return;
  }
}

void Timekeeper::loop() {
  for (;;) {
    {
      std::lock_guard run(run_mu_);
      run_due_locked();
    }
    // Sleep until the next timer is due on the clock (real milliseconds equal virtual ones
    // between moves), a new timer is added, or the longest sleep has passed.
    std::chrono::milliseconds wait = kLongestSleep;
    if (auto next = timers_.next_due_ms())
      wait = std::clamp(std::chrono::milliseconds(*next - clock_.now_ms()),
                        std::chrono::milliseconds(0), std::chrono::milliseconds(kLongestSleep));
    std::unique_lock lock(wake_mu_);
    wake_cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace bf
