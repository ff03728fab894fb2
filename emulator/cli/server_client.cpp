#include "emulator/cli/server_client.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "sdk/signer.h"

namespace bf::cli {

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

ServerClient::ServerClient(const std::string& endpoint)
    : url_(endpoint),
      region_(env_or("AWS_DEFAULT_REGION", "us-east-1")),
      endpoint_(parse_endpoint_url(endpoint)),
      transport_(make_network_transport(endpoint_)) {}

HttpReply ServerClient::send(OutgoingRequest request, const char* service) {
  request.host = endpoint_.authority();
  sign_sigv4(request, {env_or("AWS_ACCESS_KEY_ID", "test"), env_or("AWS_SECRET_ACCESS_KEY", "test"), ""},
             region_, service, std::chrono::system_clock::now());
  return transport_->send(request);
}

std::optional<ServerClient> server_at(const std::string& endpoint) {
  try {
    return ServerClient(endpoint);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bucketfire: --endpoint %s: %s\n", endpoint.c_str(), e.what());
    return std::nullopt;
  }
}

}  // namespace bf::cli
