#include "emulator/api/payload_v2.h"


#include "emulator/base/time.h"
#include "sdk/hash.h"
#include "sdk/sigv4.h"
#include "sdk/text.h"

namespace bf {

bool is_text_content_type(const std::string& content_type) {
  const std::string c = ascii_lower(content_type.substr(0, content_type.find(';')));
  return c.empty() || c.starts_with("text/") || c == "application/json" || c == "application/xml" ||
         c == "application/javascript" || c == "application/x-www-form-urlencoded" ||
         c.ends_with("+json") || c.ends_with("+xml");
}

Json payload_v2_event(const HttpRequest& request, const std::string& body, const PayloadContext& ctx) {
  const auto question = request.target.find('?');
  const std::string raw_query = question == std::string::npos ? "" : request.target.substr(question + 1);

  Json headers = Json::object();
  Json cookies = Json::array();
  std::string content_type, user_agent;
  for (const auto& [name, value] : request.headers) {
    const std::string lower = ascii_lower(name);
    if (lower == "cookie") {
      for (auto& c : split_comma_list(value)) {
        // Cookies are separated by ';' on the wire; each becomes one entry.
        std::size_t start = 0;
        while (start < c.size()) {
          auto semi = c.find(';', start);
          std::string one = c.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
          while (!one.empty() && one.front() == ' ') one.erase(0, 1);
          if (!one.empty()) cookies.push_back(one);
          if (semi == std::string::npos) break;
          start = semi + 1;
        }
      }
      continue;
    }
    if (lower == "content-type") content_type = value;
    if (lower == "user-agent") user_agent = value;
    // Repeated headers are joined with commas.
    if (headers.contains(lower))
      headers[lower] = headers[lower].get<std::string>() + "," + value;
    else
      headers[lower] = value;
  }

  Json query = Json::object();
  if (!raw_query.empty()) {
    std::size_t start = 0;
    while (start <= raw_query.size()) {
      auto amp = raw_query.find('&', start);
      std::string pair = raw_query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!pair.empty()) {
        auto eq = pair.find('=');
        std::string key, value;
        sigv4::uri_decode(pair.substr(0, eq), key);
        if (eq != std::string::npos) sigv4::uri_decode(pair.substr(eq + 1), value);
        query[key] = query.contains(key) ? query[key].get<std::string>() + "," + value : value;
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }

  Json event{{"version", "2.0"}, {"routeKey", ctx.route_key}, {"rawPath", ctx.raw_path},
             {"rawQueryString", raw_query}};
  if (!cookies.empty()) event["cookies"] = cookies;
  event["headers"] = headers;
  if (!query.empty()) event["queryStringParameters"] = query;
  Json http{{"method", request.method}, {"path", ctx.raw_path}, {"protocol", "HTTP/1.1"},
            {"sourceIp", request.remote_ip}, {"userAgent", user_agent}};
  Json request_context{{"accountId", ctx.account_id}, {"apiId", ctx.api_id}};
  if (!ctx.authorizer.is_null()) request_context["authorizer"] = ctx.authorizer;
  request_context["domainName"] = ctx.domain_name;
  request_context["domainPrefix"] = ctx.domain_name.substr(0, ctx.domain_name.find('.'));
  request_context["http"] = http;
  request_context["requestId"] = request.request_id;
  request_context["routeKey"] = ctx.route_key;
  request_context["stage"] = "$default";
  request_context["time"] = request_time(ctx.time_ms);
  request_context["timeEpoch"] = ctx.time_ms;
  event["requestContext"] = request_context;
  const bool text = is_text_content_type(content_type);
  if (!body.empty()) event["body"] = text ? body : base64_encode(body);
  if (!ctx.path_parameters.empty()) event["pathParameters"] = ctx.path_parameters;
  event["isBase64Encoded"] = !body.empty() && !text;
  return event;
}

HttpResponse gateway_error(int status, const std::string& message) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.body = to_text(Json{{"message", message}});
  return res;
}

HttpResponse payload_v2_response(const std::string& function_result) {
  Json result = Json::parse(function_result, nullptr, false);
  if (result.is_discarded()) return gateway_error(500, "Internal Server Error");
  HttpResponse res;
  if (!result.is_object() || !result.contains("statusCode")) {
    res.status = 200;
    res.set_header("Content-Type", "application/json");
    res.body = function_result;
    return res;
  }
  const Json& status = result["statusCode"];
  if (!status.is_number_integer() || status.get<int>() < 100 || status.get<int>() > 599)
    return gateway_error(500, "Internal Server Error");
  res.status = status.get<int>();
  if (auto h = result.find("headers"); h != result.end() && h->is_object())
    for (const auto& [name, value] : h->items())
      res.set_header(name, value.is_string() ? value.get<std::string>() : to_text(value));
  if (auto c = result.find("cookies"); c != result.end() && c->is_array())
    for (const auto& cookie : *c)
      if (cookie.is_string()) res.set_header("Set-Cookie", cookie.get<std::string>());
  std::string body;
  if (auto b = result.find("body"); b != result.end())
    body = b->is_string() ? b->get<std::string>() : to_text(*b);
  if (result.value("isBase64Encoded", false)) {
    auto decoded = base64_decode(body);
    if (!decoded) return gateway_error(500, "Internal Server Error");
    body = std::move(*decoded);
  }
  res.body = std::move(body);
  return res;
}

}  // namespace bf
