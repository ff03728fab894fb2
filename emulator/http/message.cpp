#include "emulator/http/message.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

namespace bf {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::uint64_t HttpResponse::body_size() const {
  if (auto* s = std::get_if<std::string>(&body)) return s->size();
  if (auto* piped = std::get_if<PipedBody>(&body)) return piped->length.value_or(0);
  return std::get<FileRange>(body).length;
}

int refusal_status(RequestRefusal why) {
  switch (why) {
    case RequestRefusal::BadRequest:
    case RequestRefusal::HeaderTooLarge:
      return 400;
    case RequestRefusal::InternalError:
      return 500;
    case RequestRefusal::TooManyConnections:
      return 503;
  }
  return 500;
}

HttpResponse Service::refuse(RequestRefusal why, const std::string& request_id) {
  HttpResponse res;
  res.status = refusal_status(why);
  res.set_header("Content-Type", "text/plain");
  res.body = why == RequestRefusal::HeaderTooLarge ? "request header section too large\n"
             : why == RequestRefusal::InternalError ? "internal error\n"
             : why == RequestRefusal::TooManyConnections ? "too many connections\n"
                                                   : "bad request\n";
  res.operation = "Refused";
  return res;
}

HttpResponse Service::failed(const HttpRequest& request) {
  return refuse(RequestRefusal::InternalError, request.request_id);
}

HttpResponse BodySink::too_busy(const std::string& request_id) {
  HttpResponse res;
  res.status = 503;
  res.set_header("Content-Type", "text/plain");
  res.body = "too many requests waiting; try again\n";
  res.operation = "Refused";
  return res;
}

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t prefix = std::random_device{}();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX",
                static_cast<unsigned long long>((prefix << 32) ^ ++counter));
  return buf;
}

}  // namespace bf
