// Access points: named entrances to a bucket, made through S3 Control. A request reaches the
// bucket through one by its alias used as a bucket name ("{name}-{suffix}-s3alias", path style
// or virtual host) or by the host an access point ARN becomes ("{name}-{account}.{endpoint}",
// which clients build from arn:aws:s3:{region}:{account}:accesspoint/{name}). Kept as stored
// documents, so they survive restarts; the policy is stored and returned, not evaluated.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "emulator/s3/public_access.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/document_store.h"

namespace bf {

struct AccessPoint {
  std::string name;
  std::string bucket;
  std::string alias;
  std::string vpc_id;  // a VPC origin when set, else Internet
  PublicAccessBlock public_access_block;
  std::string policy;  // JSON text; empty when none
  std::int64_t created_ms = 0;
};

class AccessPoints {
 public:
  AccessPoints(DocumentStore& documents, std::string account_id);

  // S3 Control's errors: an invalid name, a name already taken, a missing bucket.
  std::variant<AccessPoint, S3Error> create(AccessPoint point, bool bucket_exists);
  std::optional<AccessPoint> find(const std::string& name) const;
  std::vector<AccessPoint> list() const;  // by name
  bool remove(const std::string& name);
  // False when there is no such access point.
  bool set_policy(const std::string& name, const std::string& policy);

  // The access point a request's bucket name stands for: its alias, or (virtual-hosted only)
  // "{name}-{account}". Nothing for a plain bucket name.
  std::optional<AccessPoint> addressed_by(const std::string& bucket_name, bool virtual_hosted) const;

  const std::string& account_id() const { return account_id_; }

 private:
  Status save(const AccessPoint& point);

  DocumentStore& documents_;
  std::string account_id_;
  mutable std::mutex mu_;
  // How many there are, read without the lock: most servers have none, and every S3 request asks.
  std::atomic<std::size_t> count_{0};
  std::map<std::string, AccessPoint> by_name_;
  std::map<std::string, std::string> name_by_alias_;
};

// AWS's naming rules: 3 to `max_length` lowercase letters, digits and hyphens, starting and
// ending with a letter or digit, and not ending as an alias does.
bool valid_access_point_name(const std::string& name, std::size_t max_length);

// "{name, 20 characters at most}-{34 random lowercase letters and digits}{suffix}": an alias
// that is also a valid bucket name; `suffix` is "-s3alias", or "--ol-s3" for Object Lambda.
std::string new_access_point_alias(const std::string& name, std::string_view suffix);

// "arn:aws:s3:{region}:{account}:accesspoint/{name}"
std::string access_point_arn(const std::string& region, const std::string& account, const std::string& name);
struct AccessPointArn {
  std::string region;
  std::string account;
  std::string name;
};
// The parts of an access point ARN; nothing for any other text or an empty part.
std::optional<AccessPointArn> parse_access_point_arn(std::string_view arn);

// The S3 operations a request may make through an access point (AWS's compatibility list).
bool allowed_through_access_point(const std::string& operation);

}  // namespace bf
