#include "sdk/http_transport.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
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

std::string EndpointUrl::authority() const {
  const bool default_port = (tls && port == "443") || (!tls && port == "80");
  return default_port ? host : host + ":" + port;
}

EndpointUrl parse_endpoint_url(const std::string& url) {
  EndpointUrl out;
  std::string rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    throw std::invalid_argument("endpoint URL must start with http:// or https://: " + url);
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos)
    throw std::invalid_argument("endpoint URL must be scheme://host[:port]: " + url);
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']') == std::string::npos) {
    out.host = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  } else {
    out.host = rest;
    out.port = out.tls ? "443" : "80";
  }
  return out;
}

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kChunk = 256 * 1024;

template <typename Stream>
void write_request(Stream& stream, const OutgoingRequest& request) {
  const std::string target = encoded_target(request);
  if (!request.body_source) {
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(target);
    req.version(11);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.keep_alive(true);
    req.body() = request.body;
    req.prepare_payload();
    http::write(stream, req);
    return;
  }
  http::request<http::buffer_body> req;
  req.method_string(request.method);
  req.target(target);
  req.version(11);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.keep_alive(true);
  req.content_length(request.body_source->size());
  req.body().data = nullptr;
  req.body().more = true;
  http::request_serializer<http::buffer_body> serializer{req};
  http::write_header(stream, serializer);
  std::vector<char> chunk(kChunk);
  request.body_source->rewind();
  while (!serializer.is_done()) {
    std::size_t n = request.body_source->read(chunk.data(), chunk.size());
    req.body().data = n ? chunk.data() : nullptr;
    req.body().size = n;
    req.body().more = n > 0;
    beast::error_code ec;
    http::write(stream, serializer, ec);
    if (ec == http::error::need_buffer) continue;
    if (ec) throw beast::system_error(ec);
  }
}

template <typename Stream>
HttpReply read_reply(Stream& stream, beast::flat_buffer& buffer, const OutgoingRequest& request,
                     bool& keep_alive) {
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.header_limit(64 * 1024);
  if (request.method == "HEAD") parser.skip(true);
  http::read_header(stream, buffer, parser);
  HttpReply reply;
  const auto& head = parser.get();
  reply.status = static_cast<int>(head.result_int());
  for (const auto& field : head)
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  const bool to_sink = request.body_sink && reply.status >= 200 && reply.status < 300;
  std::vector<char> chunk(kChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (!got) continue;
    if (to_sink)
      request.body_sink(std::string_view(chunk.data(), got));
    else
      reply.body.append(chunk.data(), got);
  }
  keep_alive = parser.get().keep_alive();
  return reply;
}

class NetworkTransport final : public HttpTransport {
 public:
  explicit NetworkTransport(EndpointUrl endpoint)
      : endpoint_(std::move(endpoint)), tls_(ssl::context::tls_client) {
    if (endpoint_.tls) {
      tls_.set_verify_mode(ssl::verify_peer);
      if (const char* bundle = std::getenv("AWS_CA_BUNDLE"); bundle && *bundle)
        tls_.load_verify_file(bundle);
      else
        tls_.set_default_verify_paths();
    }
  }

  HttpReply send(const OutgoingRequest& request) override {
    std::lock_guard lock(mu_);
    // A kept-alive connection may have been closed by the server meanwhile: try once more on
    // a fresh one (the caller's retry policy handles everything else).
    for (int attempt = 0;; ++attempt) {
      const bool reused = plain_.has_value() || secure_.has_value();
      try {
        return endpoint_.tls ? exchange(secure_stream(), request) : exchange(plain_stream(), request);
      } catch (const std::exception& e) {
        plain_.reset();
        secure_.reset();
        buffer_.clear();  // bytes of the broken exchange must not be read as the next answer
        if (attempt == 1 || !reused)
          throw std::runtime_error("cannot reach " + endpoint_.authority() + ": " + e.what());
      }
    }
  }

 private:
  template <typename Stream>
  HttpReply exchange(Stream& stream, const OutgoingRequest& request) {
    write_request(stream, request);
    bool keep_alive = true;
    HttpReply reply = read_reply(stream, buffer_, request, keep_alive);
    if (!keep_alive) {
      plain_.reset();
      secure_.reset();
      buffer_.clear();
    }
    return reply;
  }

  beast::tcp_stream& plain_stream() {
    if (!plain_) {
      plain_.emplace(ioc_);
      tcp::resolver resolver(ioc_);
      plain_->connect(resolver.resolve(endpoint_.host, endpoint_.port));
    }
    return *plain_;
  }

  beast::ssl_stream<beast::tcp_stream>& secure_stream() {
    if (!secure_) {
      secure_.emplace(ioc_, tls_);
      if (!SSL_set_tlsext_host_name(secure_->native_handle(), endpoint_.host.c_str()))
        throw std::runtime_error("cannot set the TLS server name");
      secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
      tcp::resolver resolver(ioc_);
      beast::get_lowest_layer(*secure_).connect(resolver.resolve(endpoint_.host, endpoint_.port));
      secure_->handshake(ssl::stream_base::client);
    }
    return *secure_;
  }

  EndpointUrl endpoint_;
  ssl::context tls_;
  std::mutex mu_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_network_transport(const EndpointUrl& endpoint) {
  return std::make_shared<NetworkTransport>(endpoint);
}

std::shared_ptr<HttpTransport> make_tcp_transport(std::string host, std::string port) {
  return make_network_transport(EndpointUrl{false, std::move(host), std::move(port)});
}

}  // namespace bf
