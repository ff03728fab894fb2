// How the SDK's clients reach a service: one request in, one reply out. The loopback/HTTPS
// transport sends bytes over a socket; the emulator plugs in an in-process one.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "sdk/signer.h"

namespace bf {

struct HttpReply {
  int status = 0;
  sigv4::Params headers;
  std::string body;

  const std::string* header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Throws std::runtime_error when the service cannot be reached.
  virtual HttpReply send(const OutgoingRequest& request) = 0;
};

// Plain HTTP/1.1 to host:port with a kept-alive connection (reconnects when it drops).
std::shared_ptr<HttpTransport> make_tcp_transport(std::string host, std::string port);

}  // namespace bf
