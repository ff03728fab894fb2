#include "sdk/http_transport.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "sdk/text.h"

namespace bf {

const std::string* HttpReply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_lower(k) == ascii_lower(name)) return &v;
  return nullptr;
}

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class TcpTransport final : public HttpTransport {
 public:
  TcpTransport(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  HttpReply send(const OutgoingRequest& request) override {
    std::lock_guard lock(mu_);
    // A kept-alive connection may have been closed by the server meanwhile: retry once on a
    // fresh one.
    for (int attempt = 0;; ++attempt) {
      try {
        return send_once(request);
      } catch (const std::exception& e) {
        stream_.reset();
        buffer_.clear();  // bytes of the broken exchange must not be read as the next answer
        if (attempt == 1) throw std::runtime_error(std::string("cannot reach ") + host_ + ":" + port_ + ": " + e.what());
      }
    }
  }

 private:
  HttpReply send_once(const OutgoingRequest& request) {
    if (!stream_) {
      stream_.emplace(ioc_);
      tcp::resolver resolver(ioc_);
      stream_->connect(resolver.resolve(host_, port_));
    }
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(encoded_target(request));
    req.version(11);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.keep_alive(true);
    req.body() = request.body;
    req.prepare_payload();
    http::write(*stream_, req);

    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(64 * 1024);
    if (request.method == "HEAD") parser.skip(true);
    http::read(*stream_, buffer_, parser);
    auto& res = parser.get();
    HttpReply reply;
    reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res) reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    reply.body = std::move(res.body());
    if (!res.keep_alive()) stream_.reset();
    return reply;
  }

  std::string host_;
  std::string port_;
  std::mutex mu_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_tcp_transport(std::string host, std::string port) {
  return std::make_shared<TcpTransport>(std::move(host), std::move(port));
}

}  // namespace bf
