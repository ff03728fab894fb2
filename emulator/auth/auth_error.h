// Why a request's signature was not accepted, in AWS's shared vocabulary of error codes
// (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, ...) with the
// details AWS shows beside them (StringToSign, HeadersNotSigned, ServerTime, ...). Each service
// words it for its wire: S3 as XML with these codes, Lambda as its own exception types.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace bf {

struct AuthError {
  std::string code;
  std::string message;  // empty: the code's standard message
  std::vector<std::pair<std::string, std::string>> details;

  AuthError&& with(std::string name, std::string value) && {
    details.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
};

inline AuthError auth_error(std::string code, std::string message = {}) {
  return AuthError{std::move(code), std::move(message), {}};
}

}  // namespace bf
