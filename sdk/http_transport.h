// How the SDK's clients reach a service: one request in, one reply out. The network
// transport speaks HTTP/1.1 or HTTPS (TLS with certificate and host name checks); the
// emulator plugs in an in-process one.
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
  // Throws std::runtime_error when the service cannot be reached or the exchange breaks.
  virtual HttpReply send(const OutgoingRequest& request) = 0;
};

// A parsed endpoint URL: "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:4566".
struct EndpointUrl {
  bool tls = false;
  std::string host;
  std::string port;  // "443" / "80" when the URL has none
  std::string authority() const;  // host, plus ":port" when it is not the scheme's default
};
// Throws std::invalid_argument for anything but http(s)://host[:port][/].
EndpointUrl parse_endpoint_url(const std::string& url);

// One kept-alive connection to the endpoint (reconnects when it drops). TLS verifies the
// server against the system's CA store, or the PEM file in $AWS_CA_BUNDLE when set.
std::shared_ptr<HttpTransport> make_network_transport(const EndpointUrl& endpoint);
// Plain HTTP to host:port.
std::shared_ptr<HttpTransport> make_tcp_transport(std::string host, std::string port);

}  // namespace bf
