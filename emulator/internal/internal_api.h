// The emulator's own endpoints under /_bucketfire/ (no signature needed; the server binds
// 127.0.0.1 by default): recent invocations, function logs, health, and the virtual clock.
#pragma once
#include <functional>

#include "emulator/base/clock.h"
#include "emulator/http/message.h"
#include "emulator/lambda/invocation_log.h"
#include "emulator/store/store.h"

namespace bf {

class InternalApi final : public Service {
 public:
  // `virtual_clock` is null unless the server runs with --clock virtual; `clock_moved` wakes
  // whatever waits on time (the event dispatcher).
  InternalApi(InvocationLog& log, Store& store, const Clock& clock, VirtualClock* virtual_clock,
              std::function<void()> clock_moved);
  Dispatch begin(const HttpRequest& request) override;

 private:
  HttpResponse handle(const HttpRequest& request);

  InvocationLog& log_;
  Store& store_;
  const Clock& clock_;
  VirtualClock* virtual_clock_;
  std::function<void()> clock_moved_;
};

// "90s", "5m", "2h", "30d" -> milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace bf
