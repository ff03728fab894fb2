// The composition root: one emulator built from its options and the handlers main() hands in,
// with the clock, store, credentials, functions, services, event dispatcher and HTTP server
// it wires together. The CLI commands drive it; a test can construct it the same way.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "emulator/app/options.h"
#include "emulator/base/clock.h"
#include "emulator/base/status.h"

namespace bf {

class FunctionRegistry;
class Invoker;

class Emulator {
 public:
  // `log_console` gets functions' log lines (stdout for `serve`, stderr for `invoke`).
  Emulator(ServeOptions options, HandlerSet handlers, std::FILE* log_console);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Opens the data directory, reads the pipeline file, restores saved functions and builds
  // the services. Nothing listens yet.
  Status open();
  // Binds the port (and --api-port's, when asked); the port bound (useful with port 0).
  Result<std::uint16_t> listen();
  // Serves until stop() or SIGINT/SIGTERM, then finishes the requests in flight.
  void serve();
  void stop();

  // Without a server (`invoke`): handlers reach S3 at a running emulator instead.
  void use_endpoint_for_handlers(const std::string& host, const std::string& port);
  FunctionRegistry& registry();
  Invoker& invoker();
  const Clock& clock() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bf
