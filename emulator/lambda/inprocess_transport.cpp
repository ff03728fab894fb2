#include "emulator/lambda/inprocess_transport.h"

#include <unistd.h>

#include <stdexcept>


namespace bf {

namespace {

class InProcessTransport final : public HttpTransport {
 public:
  explicit InProcessTransport(Service& service) : service_(service) {}

  HttpReply send(const OutgoingRequest& out) override {
    HttpRequest req;
    req.method = out.method;
    req.target = encoded_target(out);
    for (const auto& [name, value] : out.headers) req.headers.emplace_back(name, value);
    req.remote_ip = "127.0.0.1";
    req.request_id = new_request_id();
    req.has_body = !out.body.empty();
    req.content_length = out.body.size();
    req.headers.emplace_back("content-length", std::to_string(out.body.size()));

    Dispatch dispatch = service_.begin(req);
    HttpResponse res;
    if (dispatch.response) {
      res = std::move(*dispatch.response);
    } else if (dispatch.sink) {
      std::optional<HttpResponse> early;
      if (!out.body.empty()) early = dispatch.sink->write(out.body);
      res = early ? std::move(*early) : dispatch.sink->finish();
    } else {
      throw std::runtime_error("the service gave neither a response nor a body sink");
    }
    return to_reply(res, out.method == "HEAD");
  }

 private:
  static HttpReply to_reply(HttpResponse& res, bool head) {
    HttpReply reply;
    reply.status = res.status;
    for (auto& [name, value] : res.headers) reply.headers.emplace_back(name, value);
    if (auto* text = std::get_if<std::string>(&res.body)) {
      reply.body = std::move(*text);
      if (!head) reply.headers.emplace_back("Content-Length", std::to_string(reply.body.size()));
    } else {
      const FileRange& range = std::get<FileRange>(res.body);
      reply.headers.emplace_back("Content-Length", std::to_string(range.length));
      if (!head) {
        reply.body.resize(range.length);
        std::uint64_t done = 0;
        while (done < range.length) {
          ssize_t n = ::pread(range.file->fd(), reply.body.data() + done, range.length - done,
                              static_cast<off_t>(range.offset + done));
          if (n <= 0) throw std::runtime_error("cannot read the object's bytes");
          done += static_cast<std::uint64_t>(n);
        }
      }
    }
    if (head && res.head_content_length)
      reply.headers.emplace_back("Content-Length", std::to_string(*res.head_content_length));
    return reply;
  }

  Service& service_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_inprocess_transport(Service& service) {
  return std::make_shared<InProcessTransport>(service);
}

}  // namespace bf
