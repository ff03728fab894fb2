#include "emulator/s3/access_points.h"

#include <algorithm>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

namespace bf {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PublicAccessBlock, block_public_acls, ignore_public_acls,
                                                block_public_policy, restrict_public_buckets)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccessPoint, name, bucket, alias, vpc_id, public_access_block, policy,
                                                created_ms)

namespace {

constexpr const char* kKind = "access-point";
constexpr std::string_view kAliasSuffix = "-s3alias";

}  // namespace

bool valid_access_point_name(const std::string& name, std::size_t max_length) {
  if (name.size() < 3 || name.size() > max_length) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  if (!std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; })) return false;
  return !name.ends_with(kAliasSuffix) && !name.ends_with("--ol-s3") && !name.starts_with("xn--");
}

std::string new_access_point_alias(const std::string& name, std::string_view suffix) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kChars) - 2);
  // At most 20 characters of the name, so the alias is a valid bucket name (63 at most).
  std::string alias = name.substr(0, 20);
  if (alias.back() == '-') alias.pop_back();
  alias += '-';
  for (int i = 0; i < 34; ++i) alias += kChars[pick(rng)];
  return alias + std::string(suffix);
}

AccessPoints::AccessPoints(DocumentStore& documents, std::string account_id)
    : documents_(documents), account_id_(std::move(account_id)) {
  for (const auto& [name, text] : documents_.list_documents(kKind)) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object()) continue;
    AccessPoint point = doc.get<AccessPoint>();
    name_by_alias_[point.alias] = point.name;
    by_name_[point.name] = std::move(point);
  }
  count_ = by_name_.size();
}

Status AccessPoints::save(const AccessPoint& point) {
  return documents_.put_document(kKind, point.name, nlohmann::json(point).dump());
}

std::variant<AccessPoint, S3Error> AccessPoints::create(AccessPoint point, bool bucket_exists) {
  if (!valid_access_point_name(point.name, 50))
    return s3_error("InvalidURI", "Access point names are 3 to 50 lowercase letters, digits and hyphens, beginning "
                                  "and ending with a letter or digit");
  if (!bucket_exists) return s3_error("NoSuchBucket");
  std::lock_guard lock(mu_);
  if (by_name_.count(point.name)) return s3_error("AccessPointAlreadyOwnedByYou");
  point.alias = new_access_point_alias(point.name, kAliasSuffix);
  if (Status s = save(point); !s) return s3_error("InternalError", s.message());
  name_by_alias_[point.alias] = point.name;
  by_name_[point.name] = point;
  count_ = by_name_.size();
  return point;
}

std::optional<AccessPoint> AccessPoints::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<AccessPoint> AccessPoints::list() const {
  std::lock_guard lock(mu_);
  std::vector<AccessPoint> out;
  for (const auto& [name, point] : by_name_) out.push_back(point);
  return out;
}

bool AccessPoints::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  if (Status s = documents_.delete_document(kKind, name); !s) return false;
  name_by_alias_.erase(it->second.alias);
  by_name_.erase(it);
  count_ = by_name_.size();
  return true;
}

bool AccessPoints::set_policy(const std::string& name, const std::string& policy) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  AccessPoint changed = it->second;
  changed.policy = policy;
  if (Status s = save(changed); !s) return false;
  it->second = std::move(changed);
  return true;
}

std::optional<AccessPoint> AccessPoints::addressed_by(const std::string& bucket_name, bool virtual_hosted) const {
  if (count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  if (bucket_name.ends_with(kAliasSuffix)) {
    auto it = name_by_alias_.find(bucket_name);
    if (it == name_by_alias_.end()) return std::nullopt;
    return by_name_.at(it->second);
  }
  const std::string account_suffix = "-" + account_id_;
  if (!virtual_hosted || !bucket_name.ends_with(account_suffix)) return std::nullopt;
  auto it = by_name_.find(bucket_name.substr(0, bucket_name.size() - account_suffix.size()));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::string access_point_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:s3:" + region + ":" + account + ":accesspoint/" + name;
}

std::optional<AccessPointArn> parse_access_point_arn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:s3:", kResource = ":accesspoint/";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  const auto colon = arn.find(':');
  const auto resource = arn.find(kResource);
  if (colon == std::string_view::npos || resource == std::string_view::npos || resource <= colon) return std::nullopt;
  AccessPointArn parts{std::string(arn.substr(0, colon)), std::string(arn.substr(colon + 1, resource - colon - 1)),
                       std::string(arn.substr(resource + kResource.size()))};
  if (parts.region.empty() || parts.account.empty() || parts.name.empty() ||
      parts.name.find('/') != std::string::npos)
    return std::nullopt;
  return parts;
}

bool allowed_through_access_point(const std::string& operation) {
  static const std::set<std::string, std::less<>> kAllowed = {
      "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject", "CreateMultipartUpload",
      "DeleteObject", "DeleteObjects", "DeleteObjectTagging", "GetBucketAcl", "GetBucketCors",
      "GetBucketLocation", "GetBucketNotificationConfiguration", "GetBucketPolicy", "GetObject",
      "GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention",
      "GetObjectTagging", "HeadBucket", "HeadObject", "ListMultipartUploads", "ListObjects",
      "ListObjectsV2", "ListObjectVersions", "ListParts", "PutObject", "PutObjectAcl",
      "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging", "RestoreObject", "UploadPart",
      "UploadPartCopy", "PreflightRequest"};
  return kAllowed.count(operation) > 0;
}

}  // namespace bf
