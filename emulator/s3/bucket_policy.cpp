#include "emulator/s3/bucket_policy.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "emulator/base/glob.h"

#include "emulator/http/message.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::size_t kMaxPolicyBytes = 20 * 1024;

S3Error malformed(const std::string& message) { return s3_error("MalformedPolicy", message); }

// A string or an array of strings; nullopt for anything else.
std::optional<std::vector<std::string>> string_list(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
    return out;
  }
  if (!j.is_array() || j.empty()) return std::nullopt;
  for (const auto& item : j) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<S3Error> read_principal(const nlohmann::json& j, PolicyStatement& s) {
  if (j.is_string()) {
    if (j.get<std::string>() != "*") return malformed("Invalid principal in policy");
    s.any_principal = true;
    return std::nullopt;
  }
  if (!j.is_object() || j.empty()) return malformed("Invalid principal in policy");
  for (const auto& [kind, value] : j.items()) {
    auto names = string_list(value);
    if (!names) return malformed("Invalid principal in policy");
    if (kind != "AWS" && kind != "CanonicalUser" && kind != "Service" && kind != "Federated")
      return malformed("Invalid principal in policy");
    for (const auto& name : *names) {
      if (kind == "AWS" && name == "*") s.any_principal = true;
      // Services and federated users never call this server; their names match nothing.
      else if (kind == "AWS" || kind == "CanonicalUser") s.principals.push_back(name);
    }
  }
  return std::nullopt;
}

std::optional<S3Error> read_conditions(const nlohmann::json& j, PolicyStatement& s) {
  if (!j.is_object()) return malformed("Invalid Condition in policy");
  for (const auto& [op_name, block] : j.items()) {
    if (!block.is_object()) return malformed("Invalid Condition in policy");
    std::string op = op_name;
    // ForAnyValue:/ForAllValues: only differ for keys with several values, which none here has.
    if (auto colon = op.find(':'); colon != std::string::npos) op = op.substr(colon + 1);
    const bool if_exists = op.ends_with("IfExists");
    if (if_exists) op.resize(op.size() - 8);
    for (const auto& [key, value] : block.items()) {
      std::vector<std::string> values;
      if (value.is_boolean() || value.is_number()) {
        values.push_back(value.dump());
      } else if (auto list = string_list(value)) {
        values = std::move(*list);
      } else if (value.is_array()) {
        for (const auto& v : value) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      } else {
        return malformed("Invalid Condition in policy");
      }
      s.conditions.push_back(PolicyCondition{op, if_exists, ascii_lower(key), std::move(values)});
    }
  }
  return std::nullopt;
}

// Whether an IPv4 or IPv6 address lies in a CIDR block (or equals a bare address).
bool in_cidr(const std::string& address, const std::string& cidr) {
  const auto slash = cidr.find('/');
  const std::string base = cidr.substr(0, slash);
  unsigned char a[16], b[16];
  int family = base.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, address.c_str(), a) != 1 || inet_pton(family, base.c_str(), b) != 1) return false;
  const int bits_total = family == AF_INET ? 32 : 128;
  const int bits = slash == std::string::npos ? bits_total : std::atoi(cidr.c_str() + slash + 1);
  if (bits < 0 || bits > bits_total) return false;
  for (int i = 0; i < bits; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
  }
  return true;
}

bool condition_holds(const PolicyCondition& c, const PolicyRequest& request) {
  const auto found = request.context.find(c.key);
  if (c.op == "Null") {
    const bool wants_absent = !c.values.empty() && c.values[0] == "true";
    return wants_absent == (found == request.context.end());
  }
  if (found == request.context.end()) return c.if_exists;
  const std::string& actual = found->second;
  auto any = [&](auto&& match) {
    for (const auto& v : c.values)
      if (match(v)) return true;
    return false;
  };
  if (c.op == "StringEquals" || c.op == "ArnEquals" || c.op == "Bool" || c.op == "NumericEquals")
    return any([&](const std::string& v) { return v == actual; });
  if (c.op == "StringNotEquals" || c.op == "ArnNotEquals" || c.op == "NumericNotEquals")
    return !any([&](const std::string& v) { return v == actual; });
  if (c.op == "StringEqualsIgnoreCase") return any([&](const std::string& v) { return iequals(v, actual); });
  if (c.op == "StringNotEqualsIgnoreCase") return !any([&](const std::string& v) { return iequals(v, actual); });
  if (c.op == "StringLike" || c.op == "ArnLike") return any([&](const std::string& v) { return glob_match(v, actual, true); });
  if (c.op == "StringNotLike" || c.op == "ArnNotLike")
    return !any([&](const std::string& v) { return glob_match(v, actual, true); });
  if (c.op == "IpAddress") return any([&](const std::string& v) { return in_cidr(actual, v); });
  if (c.op == "NotIpAddress") return !any([&](const std::string& v) { return in_cidr(actual, v); });
  return false;  // an operator bucketfire does not evaluate never holds
}

bool principal_matches(const PolicyStatement& s, const PolicyRequest& request) {
  bool named = s.any_principal;
  for (const auto& p : s.principals)
    for (const auto& name : request.principal_names)
      if (p == name) named = true;
  if (request.anonymous && !s.any_principal) named = false;
  return s.not_principal ? !named : named;
}

bool statement_applies(const PolicyStatement& s, const PolicyRequest& request) {
  if (!principal_matches(s, request)) return false;
  bool action = false;
  const std::string wanted_action = ascii_lower(request.action);
  for (const auto& a : s.actions) action = action || glob_match(a, wanted_action, true);
  if (action == s.not_action) return false;
  bool resource = false;
  for (const auto& r : s.resources) resource = resource || glob_match(r, request.resource, true);
  if (resource == s.not_resource) return false;
  for (const auto& c : s.conditions)
    if (!condition_holds(c, request)) return false;
  return true;
}

}  // namespace

std::variant<BucketPolicy, S3Error> parse_bucket_policy(const std::string& text, const std::string& bucket) {
  if (text.size() > kMaxPolicyBytes) return malformed("Policy exceeds the maximum allowed document size.");
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return malformed("Policies must be valid JSON and the first byte must be '{'");
  if (auto v = doc.find("Version"); v != doc.end() &&
      (!v->is_string() || (*v != "2012-10-17" && *v != "2008-10-17")))
    return malformed("The policy must contain a valid version string");
  auto statements = doc.find("Statement");
  if (statements == doc.end()) return malformed("Missing required field Statement");
  nlohmann::json list = statements->is_array() ? *statements : nlohmann::json::array({*statements});
  if (list.empty()) return malformed("Could not parse the policy: Statement is empty!");
  BucketPolicy policy;
  policy.text = text;
  const std::string bucket_arn = "arn:aws:s3:::" + bucket;
  for (const auto& item : list) {
    if (!item.is_object()) return malformed("Statement is not well-formed");
    PolicyStatement s;
    const std::string effect = item.value("Effect", "");
    if (effect != "Allow" && effect != "Deny")
      return malformed(item.contains("Effect") ? "Invalid effect: " + effect : "Missing required field Effect");
    s.allow = effect == "Allow";
    const bool has_principal = item.contains("Principal"), has_not_principal = item.contains("NotPrincipal");
    if (has_principal == has_not_principal) return malformed("Missing required field Principal");
    s.not_principal = has_not_principal;
    if (auto err = read_principal(item[has_principal ? "Principal" : "NotPrincipal"], s)) return *err;
    const bool has_action = item.contains("Action"), has_not_action = item.contains("NotAction");
    if (has_action == has_not_action) return malformed("Missing required field Action");
    s.not_action = has_not_action;
    auto actions = string_list(item[has_action ? "Action" : "NotAction"]);
    if (!actions) return malformed("Policy has invalid action");
    for (const auto& a : *actions) {
      if (a != "*" && !ascii_lower(a).starts_with("s3:")) return malformed("Policy has invalid action");
      s.actions.push_back(ascii_lower(a));
    }
    const bool has_resource = item.contains("Resource"), has_not_resource = item.contains("NotResource");
    if (has_resource == has_not_resource) return malformed("Missing required field Resource");
    s.not_resource = has_not_resource;
    auto resources = string_list(item[has_resource ? "Resource" : "NotResource"]);
    if (!resources) return malformed("Policy has invalid resource");
    for (const auto& r : *resources) {
      // A bucket's policy speaks of that bucket and its objects only.
      if (r != "*" && r != bucket_arn && !r.starts_with(bucket_arn + "/") && !glob_match(r, bucket_arn, true))
        return malformed("Policy has invalid resource");
      s.resources.push_back(r);
    }
    if (auto c = item.find("Condition"); c != item.end())
      if (auto err = read_conditions(*c, s)) return *err;
    policy.statements.push_back(std::move(s));
  }
  return policy;
}

PolicyDecision evaluate_policy(const BucketPolicy& policy, const PolicyRequest& request) {
  PolicyDecision decision = PolicyDecision::NotApplicable;
  for (const auto& s : policy.statements) {
    if (!statement_applies(s, request)) continue;
    if (!s.allow) return PolicyDecision::Deny;  // an explicit Deny wins over every Allow
    decision = PolicyDecision::Allow;
  }
  return decision;
}

bool is_public_policy(const BucketPolicy& policy) {
  static const char* const kNarrowingKeys[] = {"aws:sourceip", "aws:sourcearn", "aws:sourceaccount",
                                               "aws:sourcevpc", "aws:sourcevpce", "aws:principalorgid",
                                               "aws:principalaccount", "aws:userid", "aws:principalarn",
                                               "s3:dataaccesspointarn", "s3:dataaccesspointaccount"};
  for (const auto& s : policy.statements) {
    if (!s.allow || !(s.any_principal || s.not_principal)) continue;
    bool narrowed = false;
    for (const auto& c : s.conditions)
      for (const char* key : kNarrowingKeys)
        if (c.key == key && c.op.find("Not") == std::string::npos) narrowed = true;
    if (!narrowed) return true;
  }
  return false;
}

}  // namespace bf
