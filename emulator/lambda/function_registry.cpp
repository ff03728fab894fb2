#include "emulator/lambda/function_registry.h"

#include <mutex>

#include "sdk/uuid.h"

namespace bf {

std::string function_arn(const std::string& region, const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + kAccountId + ":function:" + name;
}

FunctionRegistry::FunctionRegistry(std::string region, HandlerCatalog handlers)
    : region_(std::move(region)), handlers_(std::move(handlers)) {}

std::optional<std::string> FunctionRegistry::put(FunctionConfig config) {
  if (!config.external() && !handlers_.count(config.handler))
    return "unknown handler \"" + config.handler + "\"";
  if (config.revision_id.empty()) config.revision_id = new_uuid();
  std::unique_lock lock(mu_);
  functions_[config.name] = std::move(config);
  return std::nullopt;
}

std::optional<FunctionConfig> FunctionRegistry::find(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return std::nullopt;
  return it->second;
}

std::vector<FunctionConfig> FunctionRegistry::list() const {
  std::shared_lock lock(mu_);
  std::vector<FunctionConfig> out;
  for (const auto& [name, f] : functions_) out.push_back(f);
  return out;
}

bool FunctionRegistry::update(const std::string& name,
                              const std::function<void(FunctionConfig&)>& change) {
  std::unique_lock lock(mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return false;
  change(it->second);
  it->second.revision_id = new_uuid();
  return true;
}

bool FunctionRegistry::remove(const std::string& name) {
  std::unique_lock lock(mu_);
  return functions_.erase(name) > 0;
}

std::string FunctionRegistry::resolve(const std::string& name_or_arn) const {
  std::string name = name_or_arn;
  // Full ARN: arn:aws:lambda:region:account:function:name[:qualifier]
  // Partial ARN: account:function:name[:qualifier]
  if (auto pos = name.find(":function:"); pos != std::string::npos) name = name.substr(pos + 10);
  if (auto colon = name.find(':'); colon != std::string::npos) {
    std::string qualifier = name.substr(colon + 1);
    name = name.substr(0, colon);
    if (qualifier != "$LATEST") return "";  // versions and aliases are not emulated
  }
  std::shared_lock lock(mu_);
  return functions_.count(name) ? name : "";
}

}  // namespace bf
