#include "tests/fuzz/support.h"

#include <cstdlib>
#include <cstdio>

#include "emulator/s3/router.h"
#include "sdk/signer.h"
#include "sdk/sigv4.h"

namespace bf::fuzz {

namespace {

std::string_view take_line(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

HttpResponse answer(Service& service, const HttpRequest& request, std::string_view body);

void fail(const char* why, const HttpResponse* response) {
  std::fprintf(stderr, "fuzz target: %s\n", why);
  if (response) {
    std::fprintf(stderr, "answer: %d\n", response->status);
    if (const auto* body = std::get_if<std::string>(&response->body))
      std::fprintf(stderr, "%s\n", body->c_str());
  }
  std::abort();
}

TextRequest parse_text_request(std::string_view text) {
  TextRequest out;
  std::string_view first = take_line(text);
  std::size_t space = first.find(' ');
  out.method = std::string(first.substr(0, space));
  if (space != std::string_view::npos) out.target = std::string(first.substr(space + 1));
  while (!text.empty()) {
    std::string_view line = take_line(text);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.headers.emplace_back(name, value);
  }
  out.body = std::string(text);
  return out;
}

HttpRequest sign(const TextRequest& request, const Clock& clock, const std::string& service) {
  OutgoingRequest out;
  out.method = request.method;
  out.host = kHost;
  std::string_view target = request.target;
  std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  if (!sigv4::uri_decode(path, out.path)) out.path = std::string(path);
  if (question != std::string_view::npos && !parse_query(target.substr(question + 1), out.query))
    out.query.clear();
  for (const auto& [name, value] : request.headers) out.headers.emplace_back(name, value);
  out.body = request.body;
  sign_sigv4(out, {kAccessKey, kSecretKey, ""}, kRegion, service, clock.now());

  HttpRequest signed_request;
  signed_request.method = out.method;
  signed_request.target = encoded_target(out);
  for (auto& header : out.headers) signed_request.headers.push_back(std::move(header));
  signed_request.remote_ip = "127.0.0.1";
  signed_request.request_id = "FUZZ";
  signed_request.content_length = request.body.size();
  signed_request.has_body = !request.body.empty();
  return signed_request;
}

HttpResponse run(Service& service, const HttpRequest& request, std::string_view body) {
  HttpResponse response = answer(service, request, body);
  // BF_FUZZ_VERBOSE=1: each request's answer, to see how far a seed gets.
  if (std::getenv("BF_FUZZ_VERBOSE")) {
    const auto* text = std::get_if<std::string>(&response.body);
    std::fprintf(stderr, "%s %s -> %d %.200s\n", request.method.c_str(), request.target.c_str(),
                 response.status, text ? text->c_str() : "");
  }
  return response;
}

HttpResponse answer(Service& service, const HttpRequest& request, std::string_view body) {
  Dispatch dispatch = service.begin(request);
  if (dispatch.response) return std::move(*dispatch.response);
  if (!dispatch.sink) fail("begin() gave neither a response nor a body sink");
  // Pieces of 1, 2, 4, ... bytes, then the rest: splits land inside every framing element.
  std::size_t piece = 1;
  while (!body.empty()) {
    std::size_t n = std::min(piece, body.size());
    if (auto early = dispatch.sink->write(body.substr(0, n))) return std::move(*early);
    body.remove_prefix(n);
    if (piece < 65536) piece *= 2;
  }
  return dispatch.sink->finish();
}

S3Harness::S3Harness() {
  credentials.add({kAccessKey, kSecretKey, "default"});
  auto opened = open_sqlite_store({":memory:", false});
  if (!opened) fail("cannot open an in-memory store");
  store = std::move(opened.value());
  FunctionLookup functions = [](const std::string& arn) -> std::optional<std::string> {
    if (arn == "arn:aws:lambda:us-east-1:000000000000:function:fuzz") return "fuzz";
    return std::nullopt;
  };
  service = std::make_unique<S3Service>(
      S3Context{store->buckets(), store->objects(), clock, kRegion, nullptr, functions, nullptr, &clock}, credentials);
  const char* setup[] = {
      "PUT /fuzz\n\n",
      "PUT /fuzz-versioned\n\n",
      "PUT /fuzz-versioned?versioning\n\n"
      "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
  };
  for (const char* text : setup) {
    HttpResponse response = send(text);
    if (response.status != 200) fail("cannot create the fuzz buckets", &response);
  }
}

HttpResponse S3Harness::send(const TextRequest& request) {
  return run(*service, sign(request, clock, "s3"), request.body);
}

}  // namespace bf::fuzz
