// A request target split and decoded: the path as sent and decoded, and the query's pairs.
// Every service reads its target through this (S3's router, the Lambda API, the HTTP API's
// routes, the emulator's own endpoints), and request signatures are checked against it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "sdk/sigv4.h"

namespace bf {

struct RequestTarget {
  std::string raw_path;  // path as sent, still percent-encoded
  std::string path;      // decoded
  sigv4::Params query;   // decoded query parameters in the order sent

  const std::string* query_param(std::string_view name) const;
  bool has_query(std::string_view name) const { return query_param(name) != nullptr; }
};

enum class TargetError {
  MalformedQuery,  // a query parameter that does not percent-decode
  InvalidPath,     // a path that does not percent-decode or does not start with '/'
};

// "/a%20b?x=1&y" -> raw_path "/a%20b", path "/a b", query {x: 1, y: ""}.
std::optional<RequestTarget> parse_target(std::string_view target, TargetError* error = nullptr);

// A request target in absolute-form, as clients send every request through a proxy
// ("http://000000000000.localhost:4566/v20180820/jobs?x"): its authority, which stands for the
// Host header, and the origin-form target ("/v20180820/jobs?x"). Nothing for an origin-form
// target, or an http(s) URI with user information (which requests must not carry).
struct AbsoluteTarget {
  std::string authority;
  std::string origin_form;
};
std::optional<AbsoluteTarget> split_absolute_form(std::string_view target);

// Splits "a=1&b&c=%20" into decoded pairs; '+' in the query means space. False when a part
// does not decode.
bool parse_query(std::string_view query, sigv4::Params& out);

}  // namespace bf
