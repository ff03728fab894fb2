// The pipeline file (`bucketfire serve --config pipeline.json`): functions, buckets and their
// notifications declared in one JSON document, validated with errors that name the field.
// The format is documented in docs/pipeline.md.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator/api/authorizer.h"
#include "emulator/api/route_limits.h"
#include "emulator/api/route_table.h"
#include "emulator/lambda/function.h"
#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/notification_config.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "emulator/s3/public_access.h"
#include "emulator/s3/tiering_config.h"
#include "sdk/json.h"

namespace bf {

struct BucketDeclaration {
  std::string name;
  std::string versioning;  // "", "Enabled" or "Suspended"
  NotificationConfig notifications;
  std::optional<LifecycleConfig> lifecycle;
  std::vector<TieringConfig> intelligent_tiering;
  // Block Public Access as declared (CloudFormation's PublicAccessBlockConfiguration); a
  // bucket the file creates otherwise gets AWS's default, every block on.
  std::optional<PublicAccessBlock> public_access_block;
  std::string policy;  // a bucket policy document, validated; empty for none
};

// An access point to a declared bucket.
struct AccessPointDeclaration {
  std::string name;
  std::string bucket;
};

// An Object Lambda access point over a declared access point, its transformations naming
// declared functions (function_arn holds the function's ARN).
struct ObjectLambdaDeclaration {
  std::string name;
  std::string supporting_access_point;  // the declared access point's name
  std::vector<std::string> allowed_features;
  std::vector<ObjectLambdaTransformation> transformations;
};

struct PipelineConfig {
  std::vector<FunctionConfig> functions;
  std::vector<BucketDeclaration> buckets;
  std::vector<AccessPointDeclaration> access_points;
  std::vector<ObjectLambdaDeclaration> object_lambda_access_points;
  std::vector<Route> routes;  // HTTP API routes, parsed, served under /_api
  std::map<std::string, Authorizer> authorizers;
};

// Parses and checks the document; `handlers` are the registered handler names. The error
// reads "functions[1].timeout: must be an integer from 1 to 900".
std::variant<PipelineConfig, std::string> parse_pipeline(const Json& document,
                                                         const std::vector<std::string>& handlers,
                                                         const std::string& region);
std::variant<PipelineConfig, std::string> load_pipeline_file(const std::string& path,
                                                             const std::vector<std::string>& handlers,
                                                             const std::string& region);

}  // namespace bf
