#include "emulator/s3/post_policy.h"

#include <nlohmann/json.hpp>
#include <set>

#include "emulator/base/time.h"
#include "emulator/s3/xml.h"
#include "sdk/text.h"

namespace bf {

namespace {

S3Error policy_error(const std::string& detail) {
  return s3_error("AccessDenied", "Invalid according to Policy: " + detail);
}


std::string field_value(const PostForm& form, const std::string& name) {
  if (name == "bucket") return form.bucket;
  auto it = form.fields.find(name);
  return it == form.fields.end() ? std::string() : it->second;
}

}  // namespace

std::optional<S3Error> check_post_policy(const std::string& policy_json, const PostForm& form,
                                         std::int64_t now_ms, ContentLengthRange& range) {
  auto policy = nlohmann::json::parse(policy_json, nullptr, false);
  if (policy.is_discarded() || !policy.is_object())
    return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.");
  if (!policy.contains("expiration") || !policy["expiration"].is_string())
    return s3_error("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.");
  // "2026-12-31T12:00:00.000Z" or without the fraction.
  const auto expires = parse_iso8601_prefix(policy["expiration"].get<std::string>());
  if (!expires)
    return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: '" +
                                                 policy["expiration"].get<std::string>() + "'");
  if (now_ms > *expires) return policy_error("Policy expired.");
  if (!policy.contains("conditions") || !policy["conditions"].is_array())
    return s3_error("InvalidPolicyDocument", "Invalid Policy: Policy missing conditions.");

  std::set<std::string> covered;
  for (const auto& cond : policy["conditions"]) {
    if (cond.is_object()) {
      if (cond.size() != 1)
        return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must "
                                                 "have exactly one property specified.");
      for (auto& [name, value] : cond.items()) {
        if (!value.is_string()) return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: value must be a string.");
        std::string field = ascii_lower(name);
        covered.insert(field);
        if (field_value(form, field) != value.get<std::string>())
          return policy_error("Policy Condition failed: [\"eq\", \"$" + name + "\", \"" +
                              value.get<std::string>() + "\"]");
      }
      continue;
    }
    if (!cond.is_array() || cond.size() != 3 || !cond[0].is_string())
      return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid condition.");
    std::string op = ascii_lower(cond[0].get<std::string>());
    if (op == "content-length-range") {
      if (!cond[1].is_number_integer() || !cond[2].is_number_integer())
        return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid content-length-range.");
      range.min = cond[1].get<std::uint64_t>();
      range.max = cond[2].get<std::uint64_t>();
      continue;
    }
    if (!cond[1].is_string() || !cond[2].is_string() || cond[1].get<std::string>().empty() ||
        cond[1].get<std::string>()[0] != '$')
      return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid condition.");
    std::string name = cond[1].get<std::string>().substr(1);
    std::string field = ascii_lower(name);
    std::string expected = cond[2].get<std::string>();
    std::string actual = field_value(form, field);
    covered.insert(field);
    bool ok = op == "eq" ? actual == expected
                         : op == "starts-with" ? actual.starts_with(expected) : false;
    if (op != "eq" && op != "starts-with")
      return s3_error("InvalidPolicyDocument", "Invalid Policy: Invalid condition operator: " + op);
    if (!ok)
      return policy_error("Policy Condition failed: [\"" + cond[0].get<std::string>() + "\", \"$" +
                          name + "\", \"" + expected + "\"]");
  }
  // Every submitted field must be named by a condition, except these.
  static const std::set<std::string> kExempt = {"file", "policy", "x-amz-signature", "signature",
                                                "awsaccesskeyid"};
  for (const auto& [name, value] : form.fields) {
    if (kExempt.count(name) || name.starts_with("x-ignore-") || covered.count(name)) continue;
    return policy_error("Extra input fields: " + name);
  }
  return std::nullopt;
}

}  // namespace bf
