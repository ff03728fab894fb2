// S3 Control's answers: XML results in its namespace, and errors in its wrapped layout
// (<ErrorResponse><Error>…</Error><RequestId/><HostId/>), shared by the job and access point APIs.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/http/message.h"
#include "emulator/http/target.h"
#include "emulator/s3/s3_error.h"

namespace bf {

inline constexpr std::string_view kS3ControlNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/";

HttpResponse control_error(int status, const std::string& code, const std::string& message,
                           const std::string& request_id);
inline HttpResponse control_error(const S3Error& e, const std::string& request_id) {
  return control_error(e.status, e.code, e.message, request_id);
}
HttpResponse method_not_allowed(const std::string& request_id);
// A listing's maxResults: 1 to 1000, 1000 when absent; nothing when it is anything else.
std::optional<std::size_t> max_results_param(const RequestTarget& target);
// An answer with an XML body, or none (an empty `body`: the Put and Delete calls).
HttpResponse xml_answer(std::string body, const std::string& request_id, std::string operation);
// The XML declaration and the opening tag of `name` in S3 Control's namespace.
std::string open_result(std::string_view name);

}  // namespace bf
