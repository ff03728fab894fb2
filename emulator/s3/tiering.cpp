// Put/Get/Delete/ListBucketIntelligentTieringConfiguration. A bucket's configurations are
// kept together in one document, each with the time it was put (see tiering_config.h for
// what applies them).
#include <algorithm>

#include "emulator/s3/service.h"
#include "emulator/s3/tiering_config.h"
#include "emulator/s3/xml.h"

namespace bf {

namespace {

constexpr std::size_t kMaxConfigurations = 1000;

std::vector<TieringConfig> stored_configs(const S3Request& req) {
  const std::string* doc = req.view->state->config(kTieringConfigName);
  return doc ? tiering_configs_from_document(*doc) : std::vector<TieringConfig>{};
}

S3Error no_such_configuration() { return s3_error("NoSuchConfiguration"); }

std::variant<std::string, S3Error> required_id(const S3Request& req) {
  const std::string* id = req.endpoint.query_param("id");
  if (!id || id->empty())
    return s3_error("InvalidArgument", "Missing required parameter: id").with("ArgumentName", "id");
  return *id;
}

S3Result put_tiering(S3Context& ctx, S3Request& req, Body* body) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto id = required_id(req);
  if (auto* err = std::get_if<S3Error>(&id)) return *err;
  auto parsed = parse_tiering_xml(body->text);
  if (auto* err = std::get_if<S3Error>(&parsed)) return *err;
  TieringConfig& config = std::get<TieringConfig>(parsed);
  if (config.id != std::get<std::string>(id))
    return s3_error("InvalidArgument", "The Id in the configuration does not match the id parameter")
        .with("ArgumentName", "id");
  config.configured_ms = ctx.clock.now_ms();
  auto configs = stored_configs(req);
  auto same = std::find_if(configs.begin(), configs.end(),
                           [&](const TieringConfig& c) { return c.id == config.id; });
  if (same != configs.end()) {
    *same = std::move(config);
  } else {
    if (configs.size() == kMaxConfigurations)
      return s3_error("TooManyConfigurations", "You are attempting to create a new configuration "
                                               "but have already reached the 1,000-configuration limit.");
    configs.push_back(std::move(config));
  }
  if (Status s = ctx.buckets.put_bucket_config(req.bucket(), kTieringConfigName, tiering_document(configs)); !s)
    return internal_error(s);
  return make_response(req);
}

S3Result get_tiering(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  const auto configs = stored_configs(req);
  const std::string* id = req.endpoint.query_param("id");
  if (!id) {
    // ListBucketIntelligentTieringConfigurations: every one in a page (at most 1,000 exist).
    std::string out = "<ListBucketIntelligentTieringConfigurationsOutput xmlns=\"" +
                      std::string(xml::kS3Namespace) + "\">";
    xml::element(out, "IsTruncated", false);
    for (const auto& c : configs) out += tiering_to_xml(c, false);
    out += "</ListBucketIntelligentTieringConfigurationsOutput>";
    return xml_response(req, out);
  }
  for (const auto& c : configs)
    if (c.id == *id) return xml_response(req, tiering_to_xml(c, true));
  return no_such_configuration();
}

S3Result delete_tiering(S3Context& ctx, S3Request& req, Body*) {
  if (auto err = require_bucket(ctx, req)) return *err;
  auto id = required_id(req);
  if (auto* err = std::get_if<S3Error>(&id)) return *err;
  auto configs = stored_configs(req);
  auto gone = std::remove_if(configs.begin(), configs.end(),
                             [&](const TieringConfig& c) { return c.id == std::get<std::string>(id); });
  if (gone == configs.end()) return no_such_configuration();
  configs.erase(gone, configs.end());
  Status s = configs.empty() ? ctx.buckets.delete_bucket_config(req.bucket(), kTieringConfigName)
                             : ctx.buckets.put_bucket_config(req.bucket(), kTieringConfigName,
                                                             tiering_document(configs));
  if (!s) return internal_error(s);
  return make_response(req, 204);
}

}  // namespace

void register_tiering_operations(OperationTable& table) {
  table["PutBucketIntelligentTieringConfiguration"] = {BodyKind::Text, nullptr, put_tiering};
  table["GetBucketIntelligentTieringConfiguration"] = {BodyKind::None, nullptr, get_tiering};
  table["DeleteBucketIntelligentTieringConfiguration"] = {BodyKind::None, nullptr, delete_tiering};
}

}  // namespace bf
