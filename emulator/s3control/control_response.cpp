#include "emulator/s3control/control_response.h"

#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

HttpResponse control_error(int status, const std::string& code, const std::string& message,
                           const std::string& request_id) {
  HttpResponse res;
  res.status = status;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", request_id);
  res.set_header("Content-Type", "application/xml");
  std::string body(xml::kDeclaration);
  body += "<ErrorResponse><Error>";
  xml::element(body, "Code", code);
  xml::element(body, "Message", message);
  body += "</Error>";
  xml::element(body, "RequestId", request_id);
  xml::element(body, "HostId", request_id);
  body += "</ErrorResponse>";
  res.body = std::move(body);
  res.operation = "S3Control";
  return res;
}

HttpResponse xml_answer(std::string body, const std::string& request_id, std::string operation) {
  HttpResponse res;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", request_id);
  if (!body.empty()) res.set_header("Content-Type", "application/xml");
  res.body = std::move(body);
  res.operation = std::move(operation);
  return res;
}

HttpResponse method_not_allowed(const std::string& request_id) {
  return control_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                       request_id);
}

std::optional<std::size_t> max_results_param(const RequestTarget& target) {
  const auto* text = target.query_param("maxResults");
  if (!text) return 1000;
  const auto value = parse_decimal(*text, 1000);
  if (!value || *value == 0) return std::nullopt;
  return static_cast<std::size_t>(*value);
}

std::string open_result(std::string_view name) {
  return std::string(xml::kDeclaration) + "<" + std::string(name) + " xmlns=\"" + std::string(kS3ControlNamespace) +
         "\">";
}

}  // namespace bf
