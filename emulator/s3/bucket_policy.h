// Bucket policies: validated as S3 validates them on PutBucketPolicy, and evaluated for the
// requests they can change here: an explicit Deny refuses any caller, and an Allow opens the
// bucket to anonymous callers (Principal "*"), as far as Block Public Access lets it.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "emulator/s3/s3_error.h"

namespace bf {

inline constexpr const char* kPolicyConfigName = "policy";

struct PolicyCondition {
  std::string op;   // StringEquals, IpAddress, Bool, ... without IfExists
  bool if_exists = false;
  std::string key;  // aws:SourceIp, s3:prefix, ... lower-cased
  std::vector<std::string> values;
};

struct PolicyStatement {
  bool allow = false;
  bool not_principal = false;
  bool any_principal = false;           // "*" or {"AWS": "*"}
  std::vector<std::string> principals;  // AWS ARNs / account ids and canonical user ids
  bool not_action = false;
  std::vector<std::string> actions;     // lower-cased patterns
  bool not_resource = false;
  std::vector<std::string> resources;   // ARN patterns
  std::vector<PolicyCondition> conditions;
};

struct BucketPolicy {
  std::string text;  // as the client sent it, which GetBucketPolicy answers
  std::vector<PolicyStatement> statements;
};

// MalformedPolicy (with AWS's message) when the document is not a valid bucket policy for this
// bucket.
std::variant<BucketPolicy, S3Error> parse_bucket_policy(const std::string& text, const std::string& bucket);

// Who asks, for what, in which circumstances: what a statement is matched against.
struct PolicyRequest {
  bool anonymous = true;
  std::vector<std::string> principal_names;  // the caller as a policy may name it
  std::string action;                        // "s3:GetObject"
  std::string resource;                      // "arn:aws:s3:::bucket/key"
  std::map<std::string, std::string> context;  // condition keys, lower-cased names
};

enum class PolicyDecision { NotApplicable, Allow, Deny };

PolicyDecision evaluate_policy(const BucketPolicy& policy, const PolicyRequest& request);

// Whether the policy grants anything to everyone: an Allow for "*" not narrowed by a condition
// on the caller's address, account, organisation or source (AWS's definition of "public").
bool is_public_policy(const BucketPolicy& policy);

}  // namespace bf
