#include "emulator/s3/cors.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "sdk/json.h"

#include "emulator/base/glob.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kMaxRules = 100;


std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::vector<std::string> split_header_list(const std::string& value) {
  std::vector<std::string> out = split_comma_list(value);
  for (auto& item : out) item = ascii_lower(item);
  return out;
}

nlohmann::json to_json(const CorsConfig& c) {
  auto rules = nlohmann::json::array();
  for (const auto& r : c.rules) {
    nlohmann::json j{{"id", r.id},
                     {"origins", r.allowed_origins},
                     {"methods", r.allowed_methods},
                     {"headers", r.allowed_headers},
                     {"expose", r.expose_headers}};
    if (r.max_age_seconds) j["max_age"] = *r.max_age_seconds;
    rules.push_back(j);
  }
  return rules;
}

CorsConfig from_json(const nlohmann::json& j) {
  CorsConfig c;
  for (const auto& r : j) {
    CorsRule rule;
    rule.id = r.value("id", "");
    rule.allowed_origins = r.value("origins", std::vector<std::string>{});
    rule.allowed_methods = r.value("methods", std::vector<std::string>{});
    rule.allowed_headers = r.value("headers", std::vector<std::string>{});
    rule.expose_headers = r.value("expose", std::vector<std::string>{});
    if (r.contains("max_age")) rule.max_age_seconds = r["max_age"].get<long>();
    c.rules.push_back(std::move(rule));
  }
  return c;
}

void add_headers(const CorsRule& rule, const std::string& origin, HttpResponse& res) {
  const bool any_origin = rule.allowed_origins.size() == 1 && rule.allowed_origins[0] == "*";
  res.set_header("Access-Control-Allow-Origin", any_origin ? "*" : origin);
  res.set_header("Access-Control-Allow-Methods", join(rule.allowed_methods, ", "));
  if (!rule.expose_headers.empty())
    res.set_header("Access-Control-Expose-Headers", join(rule.expose_headers, ", "));
  if (rule.max_age_seconds) res.set_header("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
  if (!any_origin) res.set_header("Access-Control-Allow-Credentials", "true");
  res.set_header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}

HttpResponse forbidden(const HttpRequest& request, const std::string& message) {
  auto err = s3_error("AccessForbidden", message);
  err.status = 403;
  err.details.emplace_back("Method", "OPTIONS");
  err.details.emplace_back("ResourceType", "BUCKET");
  return error_response(err, request.request_id);
}

S3Result put_cors(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (auto err = require_integrity_header(req)) return *err;
  auto parsed = parse_cors_xml(body->text);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  Status s = ctx.buckets.put_bucket_config(req.bucket(), kCorsConfigName,
                                           to_text(to_json(std::get<CorsConfig>(parsed))));
  if (!s) return internal_error(s);
  return make_response(req);
}

S3Result get_cors(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const CorsConfig* config = req.view->cors.get();
  if (!config) return s3_error("NoSuchCORSConfiguration").with("BucketName", req.bucket());
  return xml_response(req, cors_to_xml(*config));
}

S3Result delete_cors(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  if (Status s = ctx.buckets.delete_bucket_config(req.bucket(), kCorsConfigName); !s) return internal_error(s);
  return make_response(req, 204);
}

}  // namespace

std::variant<CorsConfig, S3Error> parse_cors_xml(const std::string& text) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) return s3_error("MalformedXML");
  auto root = doc.child("CORSConfiguration");
  if (!root) return s3_error("MalformedXML");
  CorsConfig config;
  for (auto rule_node : root.children("CORSRule")) {
    CorsRule rule;
    rule.id = rule_node.child_value("ID");
    for (auto n : rule_node.children("AllowedOrigin")) rule.allowed_origins.emplace_back(n.text().get());
    for (auto n : rule_node.children("AllowedMethod")) rule.allowed_methods.emplace_back(n.text().get());
    for (auto n : rule_node.children("AllowedHeader")) rule.allowed_headers.emplace_back(n.text().get());
    for (auto n : rule_node.children("ExposeHeader")) rule.expose_headers.emplace_back(n.text().get());
    if (auto m = rule_node.child("MaxAgeSeconds")) {
      try {
        rule.max_age_seconds = std::stol(m.text().get());
      } catch (...) {
        return s3_error("MalformedXML");
      }
    }
    if (rule.allowed_origins.empty() || rule.allowed_methods.empty()) return s3_error("MalformedXML");
    for (const auto& m : rule.allowed_methods)
      if (m != "GET" && m != "PUT" && m != "POST" && m != "DELETE" && m != "HEAD")
        return s3_error("InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
    for (const auto& list : {rule.allowed_origins, rule.allowed_headers})
      for (const auto& p : list)
        if (std::count(p.begin(), p.end(), '*') > 1)
          return s3_error("InvalidRequest", "AllowedOrigin/AllowedHeader \"" + p +
                                                "\" can not have more than one wildcard.");
    config.rules.push_back(std::move(rule));
  }
  if (config.rules.empty() || config.rules.size() > kMaxRules) return s3_error("MalformedXML");
  return config;
}

std::string cors_to_xml(const CorsConfig& config) {
  std::string out = "<CORSConfiguration xmlns=\"" + std::string(xml::kS3Namespace) + "\">";
  for (const auto& r : config.rules) {
    out += "<CORSRule>";
    if (!r.id.empty()) xml::element(out, "ID", r.id);
    for (const auto& v : r.allowed_headers) xml::element(out, "AllowedHeader", v);
    for (const auto& v : r.allowed_methods) xml::element(out, "AllowedMethod", v);
    for (const auto& v : r.allowed_origins) xml::element(out, "AllowedOrigin", v);
    for (const auto& v : r.expose_headers) xml::element(out, "ExposeHeader", v);
    if (r.max_age_seconds) xml::element(out, "MaxAgeSeconds", std::to_string(*r.max_age_seconds));
    out += "</CORSRule>";
  }
  out += "</CORSConfiguration>";
  return out;
}

const CorsRule* match_cors_rule(const CorsConfig& config, const std::string& origin,
                                const std::string& method,
                                const std::vector<std::string>& request_headers) {
  for (const auto& rule : config.rules) {
    bool origin_ok = std::any_of(rule.allowed_origins.begin(), rule.allowed_origins.end(),
                                 [&](const std::string& p) { return glob_match(p, origin); });
    bool method_ok = std::find(rule.allowed_methods.begin(), rule.allowed_methods.end(), method) !=
                     rule.allowed_methods.end();
    bool headers_ok = std::all_of(request_headers.begin(), request_headers.end(), [&](const std::string& h) {
      return std::any_of(rule.allowed_headers.begin(), rule.allowed_headers.end(),
                         [&](const std::string& p) { return glob_match(ascii_lower(p), h); });
    });
    if (origin_ok && method_ok && headers_ok) return &rule;
  }
  return nullptr;
}

std::shared_ptr<const CorsConfig> cors_from_document(const std::string& document) {
  auto j = nlohmann::json::parse(document, nullptr, false);
  if (!j.is_array()) return nullptr;
  return std::make_shared<const CorsConfig>(from_json(j));
}

HttpResponse cors_preflight(const BucketView* bucket, const HttpRequest& request, const Endpoint& endpoint) {
  const std::string* origin = request.header("Origin");
  const std::string* method = request.header("Access-Control-Request-Method");
  auto bad_request = [&](const std::string& message) {
    return error_response(s3_error("BadRequest", message), request.request_id);
  };
  if (!origin) return bad_request("Insufficient information. Origin request header needed.");
  if (!method) return bad_request("Invalid Access-Control-Request-Method: null");
  if (!bucket)
    return error_response(s3_error("NoSuchBucket").with("BucketName", endpoint.bucket), request.request_id);
  const CorsConfig* config = bucket->cors.get();
  if (!config) return forbidden(request, "CORSResponse: CORS is not enabled for this bucket.");
  std::vector<std::string> requested;
  if (const std::string* h = request.header("Access-Control-Request-Headers")) requested = split_header_list(*h);
  const CorsRule* rule = match_cors_rule(*config, *origin, *method, requested);
  if (!rule)
    return forbidden(request,
                     "CORSResponse: This CORS request is not allowed. This is usually because the "
                     "evalution of Origin, request method / Access-Control-Request-Method or "
                     "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
  HttpResponse res;
  res.set_header("x-amz-request-id", request.request_id);
  add_headers(*rule, *origin, res);
  if (!requested.empty()) res.set_header("Access-Control-Allow-Headers", join(requested, ", "));
  res.body = std::string();
  return res;
}

void apply_cors(const BucketView* bucket, const HttpRequest& request, HttpResponse& response) {
  const std::string* origin = request.header("Origin");
  if (!origin || !bucket || !bucket->cors) return;
  const CorsConfig* config = bucket->cors.get();
  if (const CorsRule* rule = match_cors_rule(*config, *origin, request.method, {}))
    add_headers(*rule, *origin, response);
}

void register_cors_operations(OperationTable& table) {
  table["PutBucketCors"] = {BodyKind::Text, nullptr, put_cors};
  table["GetBucketCors"] = {BodyKind::None, nullptr, get_cors};
  table["DeleteBucketCors"] = {BodyKind::None, nullptr, delete_cors};
}

}  // namespace bf
