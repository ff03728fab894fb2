// Routing: S3 (path and virtual-hosted style, every query form, keys in any bytes) and the
// HTTP API's route keys and matching. Input: a Host line, then a request line "METHOD target";
// a third line, if any, is an HTTP API route key matched against the request.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/api/route_table.h"
#include "emulator/s3/router.h"

namespace {

std::string_view line(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view first = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return first;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bf::RouterOptions options = bf::default_router_options("us-east-1");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view host = line(text);
  std::string_view request_line = line(text);
  std::string_view route_key = line(text);

  bf::HttpRequest request;
  std::size_t space = request_line.find(' ');
  request.method = std::string(request_line.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(request_line.substr(space + 1));
  request.headers.emplace_back("Host", host);
  auto routed = bf::route_s3(request, options);
  if (auto* endpoint = std::get_if<bf::Endpoint>(&routed)) {
    if (endpoint->operation.empty()) std::abort();  // every request gets a name
    if (!endpoint->key.empty() && endpoint->bucket.empty()) std::abort();
  }

  bf::sigv4::Params query;
  (void)bf::parse_query(request.target, query);

  std::string error;
  auto route = bf::parse_route(std::string(route_key), error);
  if (!route && error.empty()) std::abort();
  if (route) {
    bf::RouteTable table;
    table.add(*route);
    std::string path = request.target.substr(0, request.target.find('?'));
    (void)table.match(request.method, path);
  }
  return 0;
}
