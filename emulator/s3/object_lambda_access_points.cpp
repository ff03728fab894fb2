#include "emulator/s3/object_lambda_access_points.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace bf {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectLambdaTransformation, actions, function_arn, function_payload)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectLambdaConfiguration, supporting_access_point,
                                                cloudwatch_metrics_enabled, allowed_features, transformations)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectLambdaAccessPoint, name, alias, policy, created_ms,
                                                configuration)

namespace {

constexpr const char* kKind = "object-lambda-access-point";

const std::set<std::string, std::less<>> kActions = {"GetObject", "HeadObject", "ListObjects", "ListObjectsV2"};
const std::set<std::string, std::less<>> kFeatures = {"GetObject-Range", "GetObject-PartNumber", "HeadObject-Range",
                                                      "HeadObject-PartNumber"};

S3Error invalid(std::string message) { return s3_error("InvalidRequest", std::move(message)); }

}  // namespace

std::string object_lambda_access_point_arn(const std::string& region, const std::string& account,
                                           const std::string& name) {
  return "arn:aws:s3-object-lambda:" + region + ":" + account + ":accesspoint/" + name;
}

std::string object_lambda_region(const ObjectLambdaAccessPoint& point) {
  const auto arn = parse_access_point_arn(point.configuration.supporting_access_point);
  return arn ? arn->region : std::string();
}

ObjectLambdaAccessPoints::ObjectLambdaAccessPoints(DocumentStore& documents, const AccessPoints& access_points,
                                                   std::string account_id)
    : documents_(documents), access_points_(access_points), account_id_(std::move(account_id)) {
  for (const auto& [name, text] : documents_.list_documents(kKind)) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object()) continue;
    ObjectLambdaAccessPoint point = doc.get<ObjectLambdaAccessPoint>();
    by_name_[point.name] = std::move(point);
  }
  count_ = by_name_.size();
}

std::optional<S3Error> ObjectLambdaAccessPoints::check(const ObjectLambdaConfiguration& c) const {
  // The supporting access point: an access point ARN of this account that exists (S3 Control
  // checks that it is of the region asked, which needs the bucket's).
  const auto arn = parse_access_point_arn(c.supporting_access_point);
  if (!arn || arn->account != account_id_ || !access_points_.find(arn->name))
    return invalid("The supporting access point " + c.supporting_access_point + " does not exist");
  for (const auto& feature : c.allowed_features)
    if (!kFeatures.count(feature)) return invalid("Invalid allowed feature: " + feature);
  if (c.transformations.empty()) return invalid("At least one transformation configuration is required");
  std::set<std::string> seen;
  for (const auto& t : c.transformations) {
    if (t.actions.empty()) return invalid("Each transformation configuration needs an action");
    for (const auto& action : t.actions) {
      if (!kActions.count(action)) return invalid("Invalid transformation action: " + action);
      if (!seen.insert(action).second) return invalid("The action " + action + " is transformed more than once");
    }
    if (t.function_arn.empty()) return invalid("Each transformation needs an AwsLambda FunctionArn");
  }
  return std::nullopt;
}

Status ObjectLambdaAccessPoints::save(const ObjectLambdaAccessPoint& point) {
  return documents_.put_document(kKind, point.name, nlohmann::json(point).dump());
}

std::variant<ObjectLambdaAccessPoint, S3Error> ObjectLambdaAccessPoints::create(ObjectLambdaAccessPoint point) {
  if (!valid_access_point_name(point.name, 45))
    return s3_error("InvalidURI", "Object Lambda access point names are 3 to 45 lowercase letters, digits and "
                                  "hyphens, beginning and ending with a letter or digit");
  if (auto err = check(point.configuration)) return *err;
  std::lock_guard lock(mu_);
  if (by_name_.count(point.name)) return s3_error("AccessPointAlreadyOwnedByYou");
  point.alias = new_access_point_alias(point.name, "--ol-s3");
  if (Status s = save(point); !s) return s3_error("InternalError", s.message());
  by_name_[point.name] = point;
  count_ = by_name_.size();
  return point;
}

std::optional<ObjectLambdaAccessPoint> ObjectLambdaAccessPoints::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<ObjectLambdaAccessPoint> ObjectLambdaAccessPoints::list() const {
  std::lock_guard lock(mu_);
  std::vector<ObjectLambdaAccessPoint> out;
  for (const auto& [name, point] : by_name_) out.push_back(point);
  return out;
}

bool ObjectLambdaAccessPoints::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end() || !documents_.delete_document(kKind, name)) return false;
  by_name_.erase(it);
  count_ = by_name_.size();
  return true;
}

std::optional<S3Error> ObjectLambdaAccessPoints::configure(const std::string& name,
                                                           ObjectLambdaConfiguration configuration) {
  if (auto err = check(configuration)) return err;
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return s3_error("NoSuchAccessPoint");
  ObjectLambdaAccessPoint changed = it->second;
  changed.configuration = std::move(configuration);
  if (Status s = save(changed); !s) return s3_error("InternalError", s.message());
  it->second = std::move(changed);
  return std::nullopt;
}

bool ObjectLambdaAccessPoints::set_policy(const std::string& name, const std::string& policy) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  ObjectLambdaAccessPoint changed = it->second;
  changed.policy = policy;
  if (!save(changed)) return false;
  it->second = std::move(changed);
  return true;
}

std::optional<ObjectLambdaAccessPoint> ObjectLambdaAccessPoints::addressed_by(const std::string& bucket_name,
                                                                             bool by_arn_host) const {
  std::lock_guard lock(mu_);
  if (bucket_name.ends_with("--ol-s3")) {
    for (const auto& [name, point] : by_name_)
      if (point.alias == bucket_name) return point;
    return std::nullopt;
  }
  const std::string account_suffix = "-" + account_id_;
  if (!by_arn_host || !bucket_name.ends_with(account_suffix)) return std::nullopt;
  auto it = by_name_.find(bucket_name.substr(0, bucket_name.size() - account_suffix.size()));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace bf
