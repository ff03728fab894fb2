#include "emulator/http/request_parser.h"

#include <boost/optional.hpp>

#include "emulator/http/request_bytes.h"
#include "emulator/http/target.h"

namespace bf {
namespace http_detail {

void configure(RequestParser& parser) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(boost::none);  // S3 objects are large; the service decides limits
}

std::optional<RequestRefusal> refusal_for(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) return RequestRefusal::HeaderTooLarge;
  if (ec.category() != http::make_error_code(http::error::bad_target).category()) return std::nullopt;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
  return RequestRefusal::BadRequest;
}

HttpRequest to_request(const RequestParser& parser, const std::string& remote_ip) {
  const auto& msg = parser.get();
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  for (const auto& field : msg) req.headers.emplace_back(field.name_string(), field.value());
  // A request sent through a proxy names its host in the target; that authority is the
  // request's Host (RFC 9112 3.2.2), so every service reads it as it reads an origin-form one.
  if (auto absolute = split_absolute_form(req.target)) {
    std::erase_if(req.headers, [](const auto& h) { return iequals(h.first, "Host"); });
    req.headers.emplace_back("Host", absolute->authority);
    req.target = std::move(absolute->origin_form);
  }
  req.remote_ip = remote_ip;
  req.request_id = new_request_id();
  if (auto len = parser.content_length()) req.content_length = *len;
  req.has_body = parser.chunked() || (parser.content_length() && *parser.content_length() > 0);
  return req;
}

}  // namespace http_detail

ParsedRequestBytes parse_request_bytes(std::string_view bytes) {
  using namespace http_detail;
  ParsedRequestBytes out;
  RequestParser parser;
  configure(parser);
  boost::system::error_code ec;
  // The head, given whole: the parser needs it all at once and stops after it, as the
  // server's async_read_header does however the bytes arrive.
  std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || !parser.is_header_done()) {
    out.refusal = refusal_for(ec && ec != http::error::need_more ? ec : http::error::partial_message);
    return out;
  }
  bytes.remove_prefix(used);
  out.request = to_request(parser, "127.0.0.1");
  if (!out.request->has_body) {
    out.body_complete = true;
    return out;
  }
  if (!parser.chunked()) {  // the server copies a fixed-length body straight from the socket
    std::size_t length = static_cast<std::size_t>(
        std::min<std::uint64_t>(*parser.content_length(), bytes.size()));
    out.body.assign(bytes.substr(0, length));
    out.body_complete = length == *parser.content_length();
    return out;
  }
  parser.eager(true);
  char chunk[4096];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    std::size_t got = sizeof chunk - parser.get().body().size;
    out.body.append(chunk, got);
    if (ec == http::error::need_buffer && (used > 0 || got > 0)) continue;
    if (ec || (used == 0 && got == 0)) break;
  }
  out.body_complete = parser.is_done();
  return out;
}

}  // namespace bf
