// Runs the stored world's timers (store/timers.h) when their time comes: on its own thread as
// the clock passes them, and one by one in time order when the virtual clock is moved, so a
// year advanced in one call plays out as it would have over the year.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "emulator/base/clock.h"
#include "emulator/store/timers.h"

namespace bf {

class Timekeeper {
 public:
  // Does what a timer of its kind stands for; the clock reads the timer's due time (or later).
  using Action = std::function<void(const Timer& timer)>;

  // `virtual_clock` is the clock itself when the server runs on virtual time, else null.
  Timekeeper(Timers& timers, const Clock& clock, VirtualClock* virtual_clock);
  ~Timekeeper();
  Timekeeper(const Timekeeper&) = delete;
  Timekeeper& operator=(const Timekeeper&) = delete;

  // Before start(): what to do for timers of `kind`. A timer of a kind nobody handles is dropped.
  void handle(const std::string& kind, Action action);

  void start();
  void stop();
  // A timer was added: the thread looks again at what is due next.
  void wake();

  // What else keeps time and must have its turn at each stop (the event outbox): when its next
  // work is due after a time, and how to let it finish what is due now.
  struct Companion {
    std::function<std::optional<std::int64_t>(std::int64_t after_ms)> next_due_ms;
    std::function<void()> settle;
    // Called each time the clock has moved, before the work due then runs.
    std::function<void()> moved;
  };

  // Moves the virtual clock forward by `by`, stopping at every timer (and every due time of
  // the companion) on the way to run it at its time; returns when all of them have run.
  void advance(std::chrono::milliseconds by, const Companion& companion = {});

 private:
  void loop();
  // Runs every timer due by the clock's now, in time order. Holds run_mu_.
  void run_due_locked();

  Timers& timers_;
  const Clock& clock_;
  VirtualClock* virtual_clock_;
  std::map<std::string, Action> actions_;

  std::mutex run_mu_;  // one run of due timers at a time: the thread's, or advance()'s
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bf
