// Time as a seam: the server reads wall time only through a Clock, so tests and demos can
// move the stored world's time (Last-Modified, ages, lifecycle, restores, retry delays)
// without sleeping. What a client's own clock stamps (signature dates, presigned and POST
// policy expiry, token expiry) is checked against real_clock(), so clients keep working
// after the virtual clock has moved.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace bf {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// Real time plus an offset that only moves forward when advanced.
class VirtualClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
  }
  void advance(std::chrono::milliseconds by) { offset_ms_ += by.count(); }
  // How far ahead of real time it is: kept by the server so its time survives a restart.
  std::int64_t offset_ms() const { return offset_ms_.load(); }
  void set_offset_ms(std::int64_t offset) { offset_ms_ = offset; }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

// The real time, whatever clock the server runs on.
inline const Clock& real_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace bf
