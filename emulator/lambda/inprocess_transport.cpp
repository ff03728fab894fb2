#include "emulator/lambda/inprocess_transport.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>
#include <vector>

namespace bf {

namespace {

// Blocks this thread (a handler's, never an I/O thread) until `arm`'s callback runs.
template <typename Arm>
void wait_until(Arm arm) {
  std::promise<void> done;
  std::future<void> resumed = done.get_future();
  arm([&done] { done.set_value(); });
  resumed.wait();
}

class InProcessTransport final : public HttpTransport {
 public:
  InProcessTransport(Service& service, InProcessCompleted completed)
      : service_(service), completed_(std::move(completed)) {}

  HttpReply send(const OutgoingRequest& out) override {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest req;
    req.method = out.method;
    req.target = encoded_target(out);
    for (const auto& [name, value] : out.headers) req.headers.emplace_back(name, value);
    req.remote_ip = "127.0.0.1";
    req.request_id = new_request_id();
    const std::uint64_t size = out.body_source ? out.body_source->size() : out.body.size();
    req.has_body = size > 0;
    req.content_length = size;
    req.headers.emplace_back("content-length", std::to_string(size));

    service_.prepare(req);
    Dispatch dispatch = service_.begin(req);
    HttpResponse res;
    if (dispatch.response) {
      res = std::move(*dispatch.response);
    } else if (dispatch.sink) {
      std::optional<HttpResponse> early;
      if (out.body_source) {
        std::vector<char> chunk(256 * 1024);
        out.body_source->rewind();
        while (!early) {
          std::size_t n = out.body_source->read(chunk.data(), chunk.size());
          if (!n) break;
          early = dispatch.sink->write(std::string_view(chunk.data(), n));
          // A sink handing the body on to another response waits while that one catches up.
          if (!early && dispatch.sink->full())
            wait_until([&](std::function<void()> resume) { dispatch.sink->when_writable(std::move(resume)); });
        }
      } else if (!out.body.empty()) {
        early = dispatch.sink->write(out.body);
      }
      res = early ? std::move(*early) : dispatch.sink->finish();
    } else {
      throw std::runtime_error("the service gave neither a response nor a body sink");
    }
    if (completed_)
      completed_(req, res, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    return to_reply(res, out);
  }

 private:
  static HttpReply to_reply(HttpResponse& res, const OutgoingRequest& out) {
    const bool head = out.method == "HEAD";
    const bool to_sink = out.body_sink && res.status >= 200 && res.status < 300;
    HttpReply reply;
    reply.status = res.status;
    for (auto& [name, value] : res.headers) reply.headers.emplace_back(name, value);
    if (auto* text = std::get_if<std::string>(&res.body)) {
      if (!head) reply.headers.emplace_back("Content-Length", std::to_string(text->size()));
      if (to_sink && !head)
        out.body_sink(*text);
      else
        reply.body = std::move(*text);
    } else if (auto* piped = std::get_if<PipedBody>(&res.body)) {
      // Bytes another request is writing, taken as they come.
      BodyPipe& pipe = *piped->pipe;
      if (piped->length) reply.headers.emplace_back("Content-Length", std::to_string(*piped->length));
      std::vector<char> chunk(256 * 1024);
      while (!head) {
        wait_until([&pipe](std::function<void()> resume) { pipe.when_readable(std::move(resume)); });
        const std::size_t n = pipe.read(chunk.data(), chunk.size());
        if (n == 0 && pipe.finished()) break;
        if (to_sink)
          out.body_sink(std::string_view(chunk.data(), n));
        else
          reply.body.append(chunk.data(), n);
      }
      if (pipe.failed()) throw std::runtime_error("the response body was cut off");
      if (head) pipe.abandon();
    } else {
      const FileRange& range = std::get<FileRange>(res.body);
      reply.headers.emplace_back("Content-Length", std::to_string(range.length));
      if (!head) {
        // Streamed to the sink in pieces, or gathered into the reply.
        std::vector<char> chunk(256 * 1024);
        std::uint64_t done = 0;
        while (done < range.length) {
          ssize_t n = ::pread(range.file->fd(), chunk.data(),
                              std::min<std::uint64_t>(chunk.size(), range.length - done),
                              static_cast<off_t>(range.offset + done));
          if (n <= 0) throw std::runtime_error("cannot read the object's bytes");
          if (to_sink)
            out.body_sink(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
          else
            reply.body.append(chunk.data(), static_cast<std::size_t>(n));
          done += static_cast<std::uint64_t>(n);
        }
      }
    }
    if (head && res.head_content_length)
      reply.headers.emplace_back("Content-Length", std::to_string(*res.head_content_length));
    return reply;
  }

  Service& service_;
  InProcessCompleted completed_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_inprocess_transport(Service& service, InProcessCompleted completed) {
  return std::make_shared<InProcessTransport>(service, std::move(completed));
}

}  // namespace bf
