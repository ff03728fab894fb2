#include "emulator/lambda/function_registry.h"

#include <mutex>
#include <regex>

#include "emulator/lambda/function_record.h"
#include "sdk/uuid.h"

namespace bf {

std::string function_name_of(const std::string& member) {
  static const std::regex pattern{std::string(kFunctionNamePattern)};
  std::smatch m;
  if (!std::regex_match(member, m, pattern)) return "";
  return m[7].str();  // the name itself, after the optional ARN parts
}

FunctionRegistry::FunctionRegistry(std::string region, HandlerCatalog handlers)
    : region_(std::move(region)), handlers_(std::move(handlers)) {}

namespace {
constexpr const char* kFunctionDocuments = "function";
}  // namespace

Status FunctionRegistry::save(const std::string& name, const FunctionConfig* fn) {
  if (!documents_) return Status::ok();
  return fn ? documents_->put_document(kFunctionDocuments, name, function_record(*fn))
            : documents_->delete_document(kFunctionDocuments, name);
}

std::vector<std::string> FunctionRegistry::keep_in(DocumentStore& documents) {
  std::vector<std::string> problems;
  std::unique_lock lock(mu_);
  for (const auto& [name, text] : documents.list_documents(kFunctionDocuments)) {
    auto saved = parse_function_record(text);
    if (!saved) {
      problems.push_back(name + ": unreadable record");
      continue;
    }
    if (auto declared = functions_.find(name); declared != functions_.end()) {
      declared->second.async = saved->async;
      declared->second.reserved_concurrency = saved->reserved_concurrency;
      declared->second.recursive_loop_allowed = saved->recursive_loop_allowed;
      continue;
    }
    if (!saved->external() && !handlers_.count(saved->handler)) {
      problems.push_back(name + ": unknown handler \"" + saved->handler + "\"");
      continue;
    }
    if (saved->region.empty()) saved->region = region_;  // saved before functions had regions
    functions_[name] = std::move(*saved);
  }
  documents_ = &documents;
  return problems;
}

std::optional<std::string> FunctionRegistry::put(FunctionConfig config) {
  if (!config.external() && !handlers_.count(config.handler))
    return "unknown handler \"" + config.handler + "\"";
  if (config.revision_id.empty()) config.revision_id = new_uuid();
  if (config.region.empty()) config.region = region_;
  std::unique_lock lock(mu_);
  if (Status s = save(config.name, &config); !s) return "cannot save function " + config.name + ": " + s.message();
  functions_[config.name] = std::move(config);
  return std::nullopt;
}

Status FunctionRegistry::create(FunctionConfig config) {
  if (!config.external() && !handlers_.count(config.handler))
    return Status::invalid("unknown handler \"" + config.handler + "\"");
  if (config.revision_id.empty()) config.revision_id = new_uuid();
  if (config.region.empty()) config.region = region_;
  std::unique_lock lock(mu_);
  if (functions_.count(config.name)) return Status::already_exists(config.name);
  if (Status s = save(config.name, &config); !s) return s;
  functions_[config.name] = std::move(config);
  return Status::ok();
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

Result<FunctionConfig> FunctionRegistry::update(const std::string& name,
                                                const std::function<void(FunctionConfig&)>& change) {
  std::unique_lock lock(mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return Status::not_found(name);
  FunctionConfig next = it->second;
  change(next);
  next.revision_id = new_uuid();
  if (Status s = save(name, &next); !s) return s;
  it->second = next;
  return next;
}

Status FunctionRegistry::remove(const std::string& name) {
  std::unique_lock lock(mu_);
  if (!functions_.count(name)) return Status::not_found(name);
  if (Status s = save(name, nullptr); !s) return s;
  functions_.erase(name);
  return Status::ok();
}

std::string FunctionRegistry::resolve(const std::string& name_or_arn, const std::string& region) const {
  const auto ref = parse_function_ref(name_or_arn);
  // Only $LATEST exists: versions and aliases are not emulated.
  if (!ref || (!ref->qualifier.empty() && ref->qualifier != "$LATEST")) return "";
  std::shared_lock lock(mu_);
  const auto it = functions_.find(ref->name);
  if (it == functions_.end()) return "";
  // An ARN names the region; so does the endpoint a name was sent to.
  if (!ref->region.empty() && ref->region != it->second.region) return "";
  if (!region.empty() && region != it->second.region) return "";
  return ref->name;
}

}  // namespace bf
