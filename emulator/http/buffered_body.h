// A request body gathered whole in memory, for the small bodies of API calls and function
// payloads (never objects, which stream): past `limit` bytes the request is answered at once
// with `too_large()`; complete, it goes to `finish(body)`.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

#include "emulator/http/message.h"

namespace bf {

class BufferedBody final : public BodySink {
 public:
  struct Answers {
    std::function<HttpResponse(const std::string& body)> finish;
    std::function<HttpResponse()> too_large;
    // Set when finish() waits on a function: it then runs off the I/O threads, and this answers
    // when too many calls wait already.
    std::function<HttpResponse(const std::string& request_id)> too_busy = {};
  };

  BufferedBody(std::size_t limit, Answers answers) : limit_(limit), answers_(std::move(answers)) {}

  std::optional<HttpResponse> write(std::string_view bytes) override {
    if (body_.size() + bytes.size() > limit_) return answers_.too_large();
    body_.append(bytes);
    return std::nullopt;
  }
  HttpResponse finish() override { return answers_.finish(body_); }
  bool finish_waits() const override { return static_cast<bool>(answers_.too_busy); }
  HttpResponse too_busy(const std::string& request_id) override {
    return answers_.too_busy ? answers_.too_busy(request_id) : BodySink::too_busy(request_id);
  }

 private:
  std::size_t limit_;
  Answers answers_;
  std::string body_;
};

}  // namespace bf
