// The one reader and writer of function references: a name, "name:qualifier", a partial ARN
// ("account:function:name[:qualifier]") or a full one
// ("arn:aws:lambda:region:account:function:name[:qualifier]"), as Lambda's FunctionName takes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bf {

struct FunctionRef {
  std::string name;
  std::string qualifier;  // "" when none was given; "$LATEST", a version or an alias
  std::string region;     // a full ARN's; "" for a name or a partial ARN
};

struct FunctionConfig;

// Nullopt for an ARN of another service or resource ("arn:aws:s3:::bucket") or a malformed one.
std::optional<FunctionRef> parse_function_ref(std::string_view text);

// "arn:aws:lambda:{region}:000000000000:function:{name}".
std::string function_arn(const std::string& region, const std::string& name);
// The function's own ARN, in the region it lives in.
std::string function_arn(const FunctionConfig& fn);

}  // namespace bf
