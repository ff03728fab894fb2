// The functions this emulator runs, by name; safe to read and change from any thread.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "emulator/lambda/function.h"
#include "sdk/context.h"

namespace bf {

// The in-process handlers this binary was built with, by handler name.
using HandlerCatalog = std::map<std::string, Handler>;

class FunctionRegistry {
 public:
  FunctionRegistry(std::string region, HandlerCatalog handlers);

  const std::string& region() const { return region_; }
  const HandlerCatalog& handlers() const { return handlers_; }

  // Adds or replaces a function. Fails (with the reason) when its handler is unknown.
  std::optional<std::string> put(FunctionConfig config);
  std::optional<FunctionConfig> find(const std::string& name) const;
  std::vector<FunctionConfig> list() const;
  // Applies `change` to the named function; false when there is no such function.
  bool update(const std::string& name, const std::function<void(FunctionConfig&)>& change);
  bool remove(const std::string& name);

  // A function name from what Lambda APIs accept: a name, "name:qualifier", a partial ARN
  // "account:function:name" or a full ARN. Empty when it names no known function.
  std::string resolve(const std::string& name_or_arn) const;

 private:
  std::string region_;
  HandlerCatalog handlers_;
  mutable std::shared_mutex mu_;
  std::map<std::string, FunctionConfig> functions_;
};

}  // namespace bf
