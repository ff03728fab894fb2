// How an HTTP API route is authorized (declared in the pipeline file's "authorizers").
#pragma once
#include <string>
#include <vector>

#include "emulator/api/jwt.h"

namespace bf {

// A route's authorizer: a JWT check, or a Lambda function answering {"isAuthorized", "context"}.
struct Authorizer {
  std::string type;  // "jwt" or "lambda"
  JwtSettings jwt;
  std::string function;
  // "$request.header.Authorization", "$request.querystring.token": all must be present.
  std::vector<std::string> identity_sources{"$request.header.Authorization"};
  int ttl_seconds = 0;  // Lambda answers cached by identity, 0 for none
};

}  // namespace bf
