// A declared bucket's lifecycle and Intelligent-Tiering configurations: read from the pipeline
// file in the JSON shape boto3 and `aws s3api put-bucket-lifecycle-configuration` take, checked
// by the same parser (and errors) as PutBucketLifecycleConfiguration, and written out in
// CloudFormation's shape for the SAM template.
#pragma once
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/lifecycle_config.h"
#include "emulator/s3/tiering_config.h"
#include "sdk/json.h"

namespace bf {

// {"Rules": [...], "TransitionDefaultMinimumObjectSize": "..."} as S3 would take it; the error
// is S3's ("InvalidArgument: ...") or names the field that has no XML element.
std::variant<LifecycleConfig, std::string> lifecycle_from_json(const Json& configuration);
// One IntelligentTieringConfiguration: {"Id", "Status", "Filter", "Tierings"}.
std::variant<TieringConfig, std::string> tiering_from_json(const Json& configuration);

// AWS::S3::Bucket's LifecycleConfiguration and IntelligentTieringConfigurations properties.
Json lifecycle_to_cloudformation(const LifecycleConfig& config);
Json tiering_to_cloudformation(const std::vector<TieringConfig>& configs);

}  // namespace bf
