// The HTTP/1.1 server: one listener, one coroutine per connection, bodies streamed both ways.
// Boost.Beast/Asio stay behind this header.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emulator/http/message.h"

namespace bf {

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 4566;
  int threads = 0;  // 0: four per core, at least eight
  // Each write of a response must make progress within this: a client that stops reading is
  // cut off (nginx's send_timeout).
  int send_timeout_s = 60;
};

struct AccessLogEntry {
  const HttpRequest& request;
  const HttpResponse& response;
  std::uint64_t bytes_in;
  std::uint64_t bytes_out;
  double milliseconds;
  bool complete;  // false: the response was cut off (the client left or stopped reading)
};

// True for addresses only this machine can reach: 127.0.0.0/8, ::1, "localhost".
bool is_loopback_address(const std::string& address);

class HttpServer {
 public:
  using AccessLog = std::function<void(const AccessLogEntry&)>;

  HttpServer(ServerOptions options, Service& service, AccessLog access_log);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0). Throws on failure.
  std::uint16_t listen();
  // Serves until SIGINT/SIGTERM or stop(); then finishes in-flight requests and returns.
  void run();
  void stop();
  // Whether it is shutting down (a response that never ends on its own, such as a stream of
  // events, ends then so the server can).
  bool stopping() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bf
