#include "emulator/lambda/arn.h"

#include <vector>

#include "emulator/lambda/function.h"

namespace bf {

namespace {

std::vector<std::string_view> split_colons(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto colon = text.find(':');
    parts.push_back(text.substr(0, colon));
    if (colon == std::string_view::npos) return parts;
    text.remove_prefix(colon + 1);
  }
}

std::optional<FunctionRef> from_parts(std::string_view name, std::string_view qualifier) {
  if (name.empty()) return std::nullopt;
  return FunctionRef{std::string(name), std::string(qualifier)};
}

}  // namespace

std::optional<FunctionRef> parse_function_ref(std::string_view text) {
  const auto parts = split_colons(text);
  if (text.starts_with("arn:")) {
    // arn : partition : lambda : region : account : function : name [: qualifier]
    if ((parts.size() != 7 && parts.size() != 8) || parts[2] != "lambda" || parts[5] != "function")
      return std::nullopt;
    auto ref = from_parts(parts[6], parts.size() == 8 ? parts[7] : "");
    if (ref) ref->region = std::string(parts[3]);
    return ref;
  }
  if (parts.size() >= 3 && parts[1] == "function") {  // account:function:name[:qualifier]
    if (parts.size() > 4) return std::nullopt;
    return from_parts(parts[2], parts.size() == 4 ? parts[3] : "");
  }
  if (parts.size() > 2) return std::nullopt;
  return from_parts(parts[0], parts.size() == 2 ? parts[1] : "");
}

std::string function_arn(const std::string& region, const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + kAccountId + ":function:" + name;
}

std::string function_arn(const FunctionConfig& fn) { return function_arn(fn.region, fn.name); }

}  // namespace bf
