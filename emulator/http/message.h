// Plain request/response values exchanged between the HTTP layer and the services.
// Nothing here depends on Boost.Beast, so services stay cheap to compile and easy to test.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "emulator/base/open_file.h"
#include "emulator/http/body_pipe.h"

namespace bf {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup of the first header with this name.
const std::string* find_header(const Headers& headers, std::string_view name);
bool iequals(std::string_view a, std::string_view b);

// A unique id for x-amz-request-id: 16 uppercase hex digits, as S3 uses.
std::string new_request_id();

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // raw request target: path and query, still percent-encoded
  Headers headers;
  std::string remote_ip;
  std::string request_id;  // assigned by the server for logs and x-amz-request-id
  bool has_body = false;   // Content-Length > 0 or chunked transfer encoding
  std::optional<std::uint64_t> content_length;
  // The X-Ray trace the request belongs to, set by Service::prepare (empty when none did): the
  // trace header its work continues (Parent: the segment that records this request), and the
  // segment it was called from ("" when it starts the trace).
  std::string trace_header;
  std::string trace_caller;

  const std::string* header(std::string_view name) const { return find_header(headers, name); }
};

// An open file and a byte range of it; the HTTP layer streams it without buffering it whole.
struct FileRange {
  std::shared_ptr<OpenFile> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// A body produced while it is sent (see BodyPipe): with its length when known, else chunked.
struct PipedBody {
  std::shared_ptr<BodyPipe> pipe;
  std::optional<std::uint64_t> length;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::variant<std::string, FileRange, PipedBody> body;
  // Content-Length to announce when the body is deliberately absent (HEAD).
  std::optional<std::uint64_t> head_content_length;
  std::string operation;  // AWS operation name, for the access log

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::uint64_t body_size() const;
};

// Receives a request body as it streams in. The service may stop it early with an error
// response (the connection is then closed, since the rest of the body is unread).
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual std::optional<HttpResponse> write(std::string_view bytes) = 0;
  virtual HttpResponse finish() = 0;
  // True when finish() may wait a long time (it runs a function and waits for its answer):
  // the server then calls it on a thread of its own, so an I/O thread never waits on a
  // handler (which may itself be waiting for an I/O thread).
  virtual bool finish_waits() const { return false; }
  // A sink that hands the body on while it arrives (to another response) may be full: the
  // server then reads no more of the body until `resume` runs.
  virtual bool full() const { return false; }
  virtual void when_writable(std::function<void()> resume) { resume(); }
  // The answer when finish() would wait but the server already has as many waiting calls as
  // it allows (each holds a thread): the service's own throttling error.
  virtual HttpResponse too_busy(const std::string& request_id);
};

// What the HTTP layer refuses before a service has answered: a request it cannot parse, a
// header block over the limit, a service that failed unexpectedly, or more connections than
// the server takes. The service words the answer in its protocol's terms.
enum class RequestRefusal { BadRequest, HeaderTooLarge, InternalError, TooManyConnections };

// What a service decides after seeing only the request head: answer now, or take the body.
struct Dispatch {
  std::optional<HttpResponse> response;
  std::unique_ptr<BodySink> sink;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual Dispatch begin(const HttpRequest& request) = 0;
  // Called once before begin(), while the request may still change: a router notes there what
  // every service behind it shares (the request's trace).
  virtual void prepare(HttpRequest& request) {}
  // Defaults to a plain-text answer with the refusal's status (400, 400, 500, 503).
  virtual HttpResponse refuse(RequestRefusal why, const std::string& request_id);
  // The 500 for a request whose handling threw, in the words of the service it was for.
  // Defaults to refuse(InternalError).
  virtual HttpResponse failed(const HttpRequest& request);
};

int refusal_status(RequestRefusal why);

}  // namespace bf
