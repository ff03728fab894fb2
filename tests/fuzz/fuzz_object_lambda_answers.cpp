// What an Object Lambda function returns for a HeadObject or a listing (JSON): each answer becomes
// a response with an HTTP status, or LambdaInvalidResponse, and no header of it can carry a line
// break into the client's response.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/s3/object_lambda_answers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const char* operation : {"HeadObject", "ListObjects", "ListObjectsV2"}) {
    const bf::HttpResponse answer = bf::object_lambda_answer(operation, input, "request-id");
    if (answer.status < 200 || answer.status > 599) std::abort();
    for (const auto& [name, value] : answer.headers)
      if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
          value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        std::abort();
  }
  return 0;
}
