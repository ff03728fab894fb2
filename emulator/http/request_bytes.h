// Parses one whole request held in memory exactly as a server connection would read it from
// a socket: the fuzz targets and tests reach the head parser and the chunked decoder with it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "emulator/http/message.h"

namespace bf {

struct ParsedRequestBytes {
  std::optional<HttpRequest> request;      // set when the head parsed
  std::optional<RequestRefusal> refusal;   // set when the server would answer 400 instead
  std::string body;                        // decoded (de-chunked) body bytes that arrived
  bool body_complete = false;              // the whole body (or the last chunk) arrived
};

ParsedRequestBytes parse_request_bytes(std::string_view bytes);

}  // namespace bf
