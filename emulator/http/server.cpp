#include "emulator/http/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "emulator/http/request_parser.h"

namespace bf {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
constexpr auto tuple_awaitable = net::as_tuple(use_awaitable);

namespace {

constexpr std::size_t kIoBufferSize = 256 * 1024;  // allocated when a body moves, not per connection
constexpr std::uint64_t kSmallBody = 64 * 1024;  // sent with the header in one write
constexpr auto kIdleTimeout = std::chrono::seconds(120);  // a whole request head, or a body read
constexpr auto kShutdownGrace = std::chrono::seconds(30);
constexpr std::size_t kMaxConnections = 8192;  // more are answered 503 and closed
constexpr rlim_t kDescriptorHeadroom = 256;    // for the database, blobs being written, functions
constexpr int kMaxWaitingCalls = 256;  // finish() calls on threads of their own at once
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);  // after EMFILE and the like

bool accept_error_is_transient(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec.value() == ENFILE;
}

// Connections kept open at once. The soft descriptor limit (often 1024) is raised to the hard
// one, as nginx's worker_rlimit_nofile and Go's runtime do, and the cap stays below it with
// room for the process's other files: a flood gets 503s, not EMFILE for every request.
std::size_t connection_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return kMaxConnections;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return kMaxConnections;
  if (limit.rlim_cur <= 2 * kDescriptorHeadroom) return static_cast<std::size_t>(limit.rlim_cur / 2);
  return std::min(kMaxConnections, static_cast<std::size_t>(limit.rlim_cur - kDescriptorHeadroom));
}

}  // namespace

// A connection's coroutine registers itself so shutdown can wake the idle ones.
struct Connection {
  beast::tcp_stream* stream = nullptr;
  std::atomic<bool> busy{false};  // read by the shutdown path on another thread
};

struct HttpServer::Impl {
  ServerOptions options;
  Service& service;
  AccessLog access_log;
  // One io_context per thread, each run by exactly one thread: a connection lives on one
  // context for its whole life, so its handlers never contend for locks or need a strand.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::size_t next_context = 0;
  net::io_context& ioc;  // the first context: acceptor, signals, shutdown timer
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<bool> stopping{false};
  const std::size_t max_connections = connection_limit();
  // Sessions started and not yet ended, counted by the accept loop itself: a burst of
  // connections is accepted before any of their sessions has run, so the registry below
  // would count them too late.
  std::atomic<std::size_t> open_sessions{0};
  std::mutex connections_mutex;
  std::list<std::shared_ptr<Connection>> connections;
  std::atomic<int> waiting_calls{0};  // finish() calls running on threads of their own

  Impl(ServerOptions o, Service& s, AccessLog log)
      : options(std::move(o)),
        service(s),
        access_log(std::move(log)),
        contexts(make_contexts(options.threads)),
        ioc(*contexts.front()) {
    for (auto& c : contexts) keep_running.push_back(net::make_work_guard(*c));
  }

  static std::vector<std::unique_ptr<net::io_context>> make_contexts(int threads) {
    // Requests block their thread on disk syncs and SQLite; a few threads per core keep the
    // cores busy while some wait, and let concurrent syncs share the file system's commits.
    if (threads <= 0) threads = std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<net::io_context>> out;
    for (int i = 0; i < threads; ++i) out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }

  void stop_all() {
    for (auto& c : contexts) c->stop();
  }

  // Runs `sink.finish()` on a new thread and resumes on this coroutine's executor.
  awaitable<HttpResponse> finish_off_thread(BodySink& sink, const HttpRequest& request);
  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);
  awaitable<void> refuse_connection(tcp::socket socket);
  // A service call that threw: logged, and answered with the service's 500 instead of a
  // dropped connection.
  HttpResponse failed(const HttpRequest& request, const std::exception& e);
  template <typename F>
  HttpResponse guarded(F&& call, const HttpRequest& request);
  std::optional<HttpResponse> write_to(BodySink& sink, std::string_view bytes,
                                       const HttpRequest& request);
  awaitable<void> write_response(beast::tcp_stream& stream, HttpResponse& res, bool head,
                                 bool keep_alive, unsigned version, std::vector<char>& buf,
                                 std::uint64_t& sent);
  awaitable<void> write_piped(beast::tcp_stream& stream, HttpResponse& res, PipedBody& piped, bool head,
                              bool keep_alive, unsigned version, std::vector<char>& buf, std::uint64_t& sent);
  // The head of a body sent in pieces, once the response's head is ready.
  awaitable<void> write_head(beast::tcp_stream& stream, http::response_serializer<http::buffer_body>& sr);
  // One piece of a body sent in pieces; `more` false ends it.
  awaitable<void> write_piece(beast::tcp_stream& stream, http::response<http::buffer_body>& out,
                              http::response_serializer<http::buffer_body>& sr, char* data, std::size_t size,
                              bool more);
  void begin_shutdown();
};

bool is_loopback_address(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  auto parsed = net::ip::make_address(address, ec);
  return !ec && parsed.is_loopback();
}

// The client's address as a rule would name it: an IPv4 client of a dual-stack (::) listener
// arrives as ::ffff:a.b.c.d, and is a.b.c.d here.
std::string client_address(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  return address.to_string();
}

HttpServer::HttpServer(ServerOptions options, Service& service, AccessLog access_log)
    : impl_(std::make_unique<Impl>(std::move(options), service, std::move(access_log))) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::listen() {
  auto address = net::ip::make_address(impl_->options.bind_address);
  tcp::endpoint endpoint{address, impl_->options.port};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](const boost::system::error_code& ec, int) {
    if (!ec) s.begin_shutdown();
  });
  net::co_spawn(s.ioc, s.accept_loop(), net::detached);
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < s.contexts.size(); ++i)
    pool.emplace_back([&s, i] { s.contexts[i]->run(); });
  s.ioc.run();
  for (auto& t : pool) t.join();
  // A finish() still running on its own thread posts to a context when it ends: the contexts
  // must outlive it. Function timeouts bound the wait.
  if (s.waiting_calls > 0)
    std::fprintf(stderr, "bucketfire: waiting for %d function invocation(s) to end\n",
                 s.waiting_calls.load());
  while (s.waiting_calls > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

HttpResponse HttpServer::Impl::failed(const HttpRequest& request, const std::exception& e) {
  std::fprintf(stderr, "bucketfire: request %s failed: %s\n", request.request_id.c_str(), e.what());
  try {
    return service.failed(request);
  } catch (const std::exception&) {
    return service.refuse(RequestRefusal::InternalError, request.request_id);
  }
}

template <typename F>
HttpResponse HttpServer::Impl::guarded(F&& call, const HttpRequest& request) {
  try {
    return call();
  } catch (const std::exception& e) {
    return failed(request, e);
  }
}

std::optional<HttpResponse> HttpServer::Impl::write_to(BodySink& sink, std::string_view bytes,
                                                       const HttpRequest& request) {
  try {
    return sink.write(bytes);
  } catch (const std::exception& e) {
    return failed(request, e);
  }
}

awaitable<HttpResponse> HttpServer::Impl::finish_off_thread(BodySink& sink, const HttpRequest& request) {
  auto executor = co_await net::this_coro::executor;
  // Each waiting call holds a thread; past the bound the service's throttling error answers.
  if (++waiting_calls > kMaxWaitingCalls) {
    --waiting_calls;
    co_return guarded([&] { return sink.too_busy(request.request_id); }, request);
  }
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(HttpResponse)>(
      [this, &sink, executor, &request](auto handler) {
        std::thread([this, &sink, executor, &request, handler = std::move(handler)]() mutable {
          HttpResponse response = guarded([&] { return sink.finish(); }, request);
          net::post(executor, [handler = std::move(handler), response = std::move(response)]() mutable {
            std::move(handler)(std::move(response));
          });
          --waiting_calls;
        }).detach();
      },
      net::use_awaitable);
}

bool HttpServer::stopping() const { return impl_->stopping.load(); }

void HttpServer::stop() {
  net::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  {
    // Idle connections are waiting for a request that may never come: wake them so they end.
    // Busy ones finish their request and then see `stopping`.
    std::lock_guard lock(connections_mutex);
    for (auto& c : connections) {
      if (!c->busy && c->stream) {
        auto conn = c;
        net::post(c->stream->get_executor(), [conn] {
          if (!conn->busy && conn->stream) conn->stream->cancel();
        });
      }
    }
  }
  {
    std::lock_guard lock(connections_mutex);
    if (connections.empty()) {
      stop_all();
      return;
    }
  }
  // A request that never ends must not hold the process forever.
  auto timer = std::make_shared<net::steady_timer>(ioc, kShutdownGrace);
  timer->async_wait([this, timer](const boost::system::error_code&) { stop_all(); });
}

namespace {

// The head of a response whose body is sent in pieces: `length` bytes, or chunked when unknown.
http::response<http::buffer_body> streamed_head(const HttpResponse& res, unsigned version, bool keep_alive,
                                                std::optional<std::uint64_t> length, bool more) {
  http::response<http::buffer_body> out{static_cast<http::status>(res.status), version};
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  if (length)
    out.content_length(*length);
  else
    out.chunked(true);
  out.body().data = nullptr;
  out.body().more = more;
  return out;
}

// Suspends the coroutine until `arm` calls back (from any thread): the callback is posted to
// the coroutine's own executor, so it resumes where it ran.
template <typename Arm>
awaitable<void> resumed_by(Arm arm) {
  auto executor = co_await net::this_coro::executor;
  co_await net::async_initiate<decltype(net::use_awaitable), void()>(
      [&arm, executor](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        arm([shared, executor] { net::post(executor, [shared]() mutable { std::move(*shared)(); }); });
      },
      net::use_awaitable);
}

}  // namespace

awaitable<void> HttpServer::Impl::accept_loop() {
  while (!stopping) {
    auto& context = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] = co_await acceptor.async_accept(context.get_executor(), tuple_awaitable);
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) break;
      if (accept_error_is_transient(ec)) {
        // Out of descriptors or memory: the pending connection stays queued. Retrying at once
        // would spin a core; wait for connections to close instead.
        net::steady_timer pause(ioc, kAcceptBackoff);
        co_await pause.async_wait(tuple_awaitable);
      }
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    if (open_sessions.load() >= max_connections) {
      net::co_spawn(executor, refuse_connection(std::move(socket)), net::detached);
    } else {
      ++open_sessions;
      net::co_spawn(executor, session(std::move(socket)), net::detached);
    }
  }
  // Nothing keeps the io_context alive past the last connection except the grace timer;
  // let it return early when everything is done.
  co_return;
}

// `buf` is the connection's I/O buffer, reused so a response allocates nothing large. `sent`
// counts the body bytes written so far, so a response cut off midway is logged with them.
awaitable<void> HttpServer::Impl::write_response(beast::tcp_stream& stream, HttpResponse& res,
                                                 bool head, bool keep_alive, unsigned version,
                                                 std::vector<char>& buf, std::uint64_t& sent) {
  sent = 0;
  const bool no_body = head || res.status == 304 || res.status == 204 ||
                       (res.status >= 100 && res.status < 200);
  if (auto* text = std::get_if<std::string>(&res.body)) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    for (auto& [k, v] : res.headers) out.insert(k, v);
    out.keep_alive(keep_alive);
    if (no_body) {
      if (res.head_content_length && res.status != 304 && res.status != 204)
        out.content_length(*res.head_content_length);
      else if (head && res.status != 304 && res.status != 204)
        out.content_length(text->size());
    } else {
      out.body() = std::move(*text);
      out.prepare_payload();
    }
    http::response_serializer<http::string_body> sr{out};
    stream.expires_after(std::chrono::seconds(options.send_timeout_s));
    if (no_body) {
      sr.split(true);
      auto [ec, n] = co_await http::async_write_header(stream, sr, tuple_awaitable);
      if (ec) throw boost::system::system_error(ec);
      co_return;
    }
    auto [ec, n] = co_await http::async_write(stream, sr, tuple_awaitable);
    if (ec) throw boost::system::system_error(ec);
    sent = out.body().size();
    co_return;
  }

  if (auto* piped = std::get_if<PipedBody>(&res.body)) {
    co_await write_piped(stream, res, *piped, head, keep_alive, version, buf, sent);
    co_return;
  }
  FileRange& range = std::get<FileRange>(res.body);
  if (!head && range.length <= kSmallBody) {
    // A small object goes out with its header in one write.
    std::string bytes(static_cast<std::size_t>(range.length), '\0');
    ssize_t got = ::pread(range.file->fd(), bytes.data(), bytes.size(), static_cast<off_t>(range.offset));
    if (got != static_cast<ssize_t>(bytes.size())) throw std::runtime_error("short read from blob file");
    res.body = std::move(bytes);
    co_await write_response(stream, res, head, keep_alive, version, buf, sent);
    co_return;
  }
  auto out = streamed_head(res, version, keep_alive, range.length, !head && range.length > 0);
  http::response_serializer<http::buffer_body> sr{out};
  co_await write_head(stream, sr);
  if (head) co_return;

  if (buf.empty()) buf.resize(kIoBufferSize);
  while (sent < range.length) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), range.length - sent));
    ssize_t got = ::pread(range.file->fd(), buf.data(), want, static_cast<off_t>(range.offset + sent));
    if (got <= 0) throw std::runtime_error("short read from blob file");
    co_await write_piece(stream, out, sr, buf.data(), static_cast<std::size_t>(got), sent + got < range.length);
    sent += static_cast<std::uint64_t>(got);
  }
  if (!sr.is_done()) co_await write_piece(stream, out, sr, nullptr, 0, false);
  stream.expires_never();
}

awaitable<void> HttpServer::Impl::write_head(beast::tcp_stream& stream,
                                             http::response_serializer<http::buffer_body>& sr) {
  stream.expires_after(std::chrono::seconds(options.send_timeout_s));
  auto [ec, n] = co_await http::async_write_header(stream, sr, tuple_awaitable);
  if (ec) throw boost::system::system_error(ec);
}

awaitable<void> HttpServer::Impl::write_piece(beast::tcp_stream& stream, http::response<http::buffer_body>& out,
                                              http::response_serializer<http::buffer_body>& sr, char* data,
                                              std::size_t size, bool more) {
  out.body().data = data;
  out.body().size = size;
  out.body().more = more;
  stream.expires_after(std::chrono::seconds(options.send_timeout_s));  // a reader that stops reading is cut off
  auto [ec, n] = co_await http::async_write(stream, sr, tuple_awaitable);
  if (ec && ec != http::error::need_buffer) throw boost::system::system_error(ec);
}

// A body that another request is writing: sent as it comes, chunked unless its length is
// known. If the client goes away the pipe is abandoned, which releases its writer; if the
// writer fails midway the connection is cut, so the client cannot take a short body as whole.
awaitable<void> HttpServer::Impl::write_piped(beast::tcp_stream& stream, HttpResponse& res, PipedBody& piped,
                                              bool head, bool keep_alive, unsigned version,
                                              std::vector<char>& buf, std::uint64_t& sent) {
  BodyPipe& pipe = *piped.pipe;
  struct AbandonUnlessDone {
    BodyPipe& pipe;
    ~AbandonUnlessDone() {
      if (!pipe.finished()) pipe.abandon();
    }
  } abandon_unless_done{pipe};
  auto out = streamed_head(res, version, keep_alive, piped.length, !head);
  http::response_serializer<http::buffer_body> sr{out};
  co_await write_head(stream, sr);
  if (head) co_return;
  if (buf.empty()) buf.resize(kIoBufferSize);
  for (;;) {
    stream.expires_never();  // the writer's own timeout bounds the wait
    co_await resumed_by([&pipe](std::function<void()> resume) { pipe.when_readable(std::move(resume)); });
    const std::size_t got = pipe.read(buf.data(), buf.size());
    if (got == 0) {
      if (!pipe.finished()) continue;
      if (pipe.failed()) throw std::runtime_error("the body's writer failed midway");
      break;
    }
    co_await write_piece(stream, out, sr, buf.data(), got, true);
    sent += got;
  }
  co_await write_piece(stream, out, sr, nullptr, 0, false);
  stream.expires_never();
}

// Past max_connections: one 503 and the connection closes, without reading the request.
awaitable<void> HttpServer::Impl::refuse_connection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  HttpResponse response = service.refuse(RequestRefusal::TooManyConnections, new_request_id());
  std::vector<char> no_buffer;
  std::uint64_t sent = 0;
  try {
    co_await write_response(stream, response, false, false, 11, no_buffer, sent);
  } catch (const std::exception&) {
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto conn = std::make_shared<Connection>();
  conn->stream = &stream;
  std::list<std::shared_ptr<Connection>>::iterator registered;
  {
    std::lock_guard lock(connections_mutex);
    registered = connections.insert(connections.end(), conn);
  }
  beast::flat_buffer buffer;
  std::vector<char> body_buf;  // kIoBufferSize once a body moves; idle connections stay small
  std::string remote_ip;
  {
    boost::system::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    if (!ec) remote_ip = client_address(endpoint);
  }

  try {
    while (!stopping) {
      http_detail::RequestParser parser;
      http_detail::configure(parser);
      stream.expires_after(kIdleTimeout);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
      if (ec) {
        if (auto why = http_detail::refusal_for(ec)) {
          conn->busy = true;
          HttpRequest req;
          req.method = "-";
          req.target = "-";
          req.remote_ip = remote_ip;
          req.request_id = new_request_id();
          HttpResponse response = service.refuse(*why, req.request_id);
          std::uint64_t out = 0;
          co_await write_response(stream, response, false, false, 11, body_buf, out);
          if (access_log) access_log(AccessLogEntry{req, response, 0, out, 0.0, true});
        }
        break;
      }
      conn->busy = true;
      stream.expires_never();
      auto started = std::chrono::steady_clock::now();

      HttpRequest req = http_detail::to_request(parser, remote_ip);
      const unsigned version = parser.get().version();
      bool keep_alive = parser.get().keep_alive();
      std::uint64_t bytes_in = 0;

      Dispatch dispatch;
      try {
        service.prepare(req);
        dispatch = service.begin(req);
      } catch (const std::exception& e) {
        dispatch = Dispatch{failed(req, e), nullptr};
      }
      HttpResponse response;
      if (dispatch.sink) {
        if (body_buf.empty()) body_buf.resize(kIoBufferSize);
        if (auto* expect = req.header("Expect"); expect && iequals(*expect, "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, version};
          auto [cec, cn] = co_await http::async_write(stream, cont, tuple_awaitable);
          if (cec) break;
        }
        std::optional<HttpResponse> early;
        bool body_failed = false;
        if (!parser.chunked() && parser.content_length()) {
          // Fixed-length body: read straight from the socket into one large buffer, skipping
          // the parser's copy and its small reads. What arrived with the header comes first.
          std::uint64_t remaining = *parser.content_length();
          std::size_t buffered = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining));
          if (buffered > 0) {
            auto data = static_cast<const char*>(buffer.data().data());
            early = write_to(*dispatch.sink, std::string_view(data, buffered), req);
            buffer.consume(buffered);
            remaining -= buffered;
            bytes_in += buffered;
          }
          while (remaining > 0 && !early) {
            std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(body_buf.size(), remaining));
            stream.expires_after(kIdleTimeout);
            auto [rec, got] = co_await stream.async_read_some(net::buffer(body_buf.data(), want), tuple_awaitable);
            if (rec) {
              body_failed = true;
              break;
            }
            remaining -= got;
            bytes_in += got;
            early = write_to(*dispatch.sink, std::string_view(body_buf.data(), got), req);
            if (!early && dispatch.sink->full())
              co_await resumed_by([&](std::function<void()> resume) { dispatch.sink->when_writable(std::move(resume)); });
          }
        }
        while (!early && !body_failed && !parser.is_done() && parser.chunked()) {
          parser.get().body().data = body_buf.data();
          parser.get().body().size = body_buf.size();
          stream.expires_after(kIdleTimeout);
          auto [rec, rn] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
          if (rec == http::error::need_buffer) rec = {};
          std::size_t got = body_buf.size() - parser.get().body().size;
          bytes_in += got;
          if (got > 0) {
            early = write_to(*dispatch.sink, std::string_view(body_buf.data(), got), req);
            if (early) break;
            if (dispatch.sink->full())
              co_await resumed_by([&](std::function<void()> resume) { dispatch.sink->when_writable(std::move(resume)); });
          }
          if (rec) {
            body_failed = true;
            break;
          }
        }
        stream.expires_never();
        if (body_failed) break;  // the client went away mid-body: nothing is committed
        if (early) {
          response = std::move(*early);
          keep_alive = false;  // the rest of the body is unread
        } else {
          // (co_await kept out of a conditional expression: GCC 12 mishandles its temporaries.)
          if (dispatch.sink->finish_waits())
            response = co_await finish_off_thread(*dispatch.sink, req);
          else
            response = guarded([&] { return dispatch.sink->finish(); }, req);
        }
      } else {
        response = std::move(*dispatch.response);
        if (req.has_body && !parser.is_done()) keep_alive = false;
      }
      if (stopping) keep_alive = false;

      std::uint64_t bytes_out = 0;
      bool complete = true;
      try {
        co_await write_response(stream, response, req.method == "HEAD", keep_alive, version,
                                body_buf, bytes_out);
      } catch (const std::exception&) {
        complete = false;  // the client went away or stopped reading (send timeout)
      }
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            started)
                      .count();
      if (access_log) access_log(AccessLogEntry{req, response, bytes_in, bytes_out, ms, complete});
      conn->busy = false;
      if (!keep_alive || !complete) break;
    }
  } catch (const std::exception&) {
    // A broken connection ends this session only; the server keeps serving.
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  {
    std::lock_guard lock(connections_mutex);
    conn->stream = nullptr;
    connections.erase(registered);
    --open_sessions;
    if (stopping && connections.empty()) stop_all();
  }
}

}  // namespace bf
