// Bucket CORS: Put/Get/DeleteBucketCors, preflight OPTIONS answered from the bucket's rules,
// and Access-Control-* headers on actual responses only when a rule matches.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/http/message.h"
#include "emulator/s3/operation.h"
#include "emulator/s3/router.h"
#include "emulator/s3/service.h"

namespace bf {

struct CorsRule {
  std::string id;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_methods;
  std::vector<std::string> allowed_headers;
  std::vector<std::string> expose_headers;
  std::optional<long> max_age_seconds;
};

struct CorsConfig {
  std::vector<CorsRule> rules;
};

// The bucket config document the CORS rules are kept in (as JSON), and its reader: null for a
// document that does not parse.
inline constexpr const char* kCorsConfigName = "cors";
std::shared_ptr<const CorsConfig> cors_from_document(const std::string& document);

std::variant<CorsConfig, S3Error> parse_cors_xml(const std::string& text);
std::string cors_to_xml(const CorsConfig& config);

// The first rule whose origin, method and every requested header match (S3's order).
const CorsRule* match_cors_rule(const CorsConfig& config, const std::string& origin,
                                const std::string& method,
                                const std::vector<std::string>& request_headers);

// OPTIONS on a bucket or object: needs no signature, as on AWS.
HttpResponse cors_preflight(const BucketView* bucket, const HttpRequest& request, const Endpoint& endpoint);

// Adds Access-Control-* headers to a response when the request has an Origin and a rule of
// the bucket matches it.
void apply_cors(const BucketView* bucket, const HttpRequest& request, HttpResponse& response);

void register_cors_operations(OperationTable& table);

}  // namespace bf
