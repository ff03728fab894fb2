// How the server reads a request head with Boost.Beast: the parser's limits, which parse
// errors earn an answer, and the HttpRequest made from a parsed head. Private to emulator/http
// (it includes Beast); the server's connections and parse_request_bytes both use it.
#pragma once
#include <boost/beast/http.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "emulator/http/message.h"

namespace bf::http_detail {

namespace http = boost::beast::http;
using RequestParser = http::request_parser<http::buffer_body>;

inline constexpr std::size_t kHeaderLimit = 64 * 1024;  // room for many x-amz-meta-* headers

// Sets the limits every connection's parser has.
void configure(RequestParser& parser);

// A head the parser refused: the client gets 400 (RequestHeaderSectionTooLarge for a head
// over the limit) and the connection closes, as S3 and nginx do. Anything else (the client
// went away, a timeout) ends the connection without an answer.
std::optional<RequestRefusal> refusal_for(const boost::system::error_code& ec);

HttpRequest to_request(const RequestParser& parser, const std::string& remote_ip);

}  // namespace bf::http_detail
