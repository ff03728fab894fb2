// Object Lambda access points: a supporting access point and the functions that transform
// what GetObject, HeadObject and the listings return through it. Made and configured through
// S3 Control; kept as stored documents. The alias ends in "--ol-s3".
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/access_points.h"
#include "emulator/s3/s3_error.h"
#include "emulator/store/document_store.h"

namespace bf {

struct ObjectLambdaTransformation {
  std::vector<std::string> actions;  // GetObject, HeadObject, ListObjects, ListObjectsV2
  std::string function_arn;
  std::string function_payload;  // handed to the function as configuration.payload
};

struct ObjectLambdaConfiguration {
  std::string supporting_access_point;  // an access point's ARN
  bool cloudwatch_metrics_enabled = false;
  std::vector<std::string> allowed_features;  // GetObject-Range, GetObject-PartNumber, HeadObject-…
  std::vector<ObjectLambdaTransformation> transformations;
};

struct ObjectLambdaAccessPoint {
  std::string name;
  std::string alias;
  std::string policy;  // JSON text; empty when none
  std::int64_t created_ms = 0;
  ObjectLambdaConfiguration configuration;
};

class ObjectLambdaAccessPoints {
 public:
  ObjectLambdaAccessPoints(DocumentStore& documents, const AccessPoints& access_points, std::string account_id);

  std::variant<ObjectLambdaAccessPoint, S3Error> create(ObjectLambdaAccessPoint point);
  std::optional<ObjectLambdaAccessPoint> find(const std::string& name) const;
  std::vector<ObjectLambdaAccessPoint> list() const;  // by name
  bool remove(const std::string& name);
  // Replaces the configuration (checked as create checks it); NoSuchAccessPoint when there is none.
  std::optional<S3Error> configure(const std::string& name, ObjectLambdaConfiguration configuration);
  bool set_policy(const std::string& name, const std::string& policy);
  // The Object Lambda access point a request's bucket name stands for: its alias, or (when the
  // request is signed for s3-object-lambda, as clients sign for the ARN) "{name}-{account}".
  std::optional<ObjectLambdaAccessPoint> addressed_by(const std::string& bucket_name, bool by_arn_host) const;
  // True when there are none, without taking the lock: every S3 request asks.
  bool empty() const { return count_.load(std::memory_order_relaxed) == 0; }

 private:
  std::optional<S3Error> check(const ObjectLambdaConfiguration& configuration) const;
  Status save(const ObjectLambdaAccessPoint& point);

  DocumentStore& documents_;
  const AccessPoints& access_points_;
  std::string account_id_;
  mutable std::mutex mu_;
  std::atomic<std::size_t> count_{0};
  std::map<std::string, ObjectLambdaAccessPoint> by_name_;
};

// "arn:aws:s3-object-lambda:{region}:{account}:accesspoint/{name}"
std::string object_lambda_access_point_arn(const std::string& region, const std::string& account,
                                           const std::string& name);
// The region an Object Lambda access point lives in: its supporting access point's (which
// lives in its bucket's).
std::string object_lambda_region(const ObjectLambdaAccessPoint& point);

}  // namespace bf
