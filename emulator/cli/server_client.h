// How the commands that read a running server (cost, logs, top) reach it: the --endpoint URL,
// requests signed with the AWS_* credentials (or test/test) for the service they address and
// the region AWS_DEFAULT_REGION names (or us-east-1), as the AWS tools sign them, so they also
// work against a server listening beyond loopback.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include "sdk/http_transport.h"

namespace bf::cli {

class ServerClient {
 public:
  // Throws std::invalid_argument for an endpoint that is not http(s)://host[:port].
  explicit ServerClient(const std::string& endpoint);
  // Signs `request` (its path, query, headers and body) for `service` and sends it; throws
  // std::runtime_error when the server cannot be reached.
  HttpReply send(OutgoingRequest request, const char* service);
  const std::string& endpoint() const { return url_; }
  const std::string& region() const { return region_; }

 private:
  std::string url_;
  std::string region_;
  EndpointUrl endpoint_;
  std::shared_ptr<HttpTransport> transport_;
};

// The client for `endpoint`, or nothing (having printed why) when it is not such a URL.
std::optional<ServerClient> server_at(const std::string& endpoint);

}  // namespace bf::cli
