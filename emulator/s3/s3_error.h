// S3 errors: one table maps each AWS error code to its HTTP status and default message.
// Only the edge (s3_error.cpp) turns an S3Error into the XML body.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/auth/auth_error.h"
#include "emulator/http/message.h"

namespace bf {

struct S3Error {
  std::string code;
  std::string message;
  int status = 500;
  std::string resource;  // shown as <Resource>
  std::vector<std::pair<std::string, std::string>> details;  // extra elements, e.g. <Key>

  S3Error&& with(std::string name, std::string value) && {
    details.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
};

// Builds the error with the table's status and, if `message` is empty, its default message.
S3Error s3_error(std::string_view code, std::string message = {});
// A refused signature, as S3 answers it: the same code, message and details.
S3Error s3_error_from(const AuthError& error);

HttpResponse error_response(const S3Error& error, const std::string& request_id);

}  // namespace bf
