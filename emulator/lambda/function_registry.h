// The functions this emulator runs, by name; safe to read and change from any thread.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "emulator/base/status.h"
#include "emulator/lambda/function.h"
#include "emulator/store/document_store.h"
#include "sdk/context.h"

namespace bf {

// The in-process handlers this binary was built with, by handler name.
using HandlerCatalog = std::map<std::string, Handler>;

class FunctionRegistry {
 public:
  FunctionRegistry(std::string region, HandlerCatalog handlers);

  const std::string& region() const { return region_; }
  const HandlerCatalog& handlers() const { return handlers_; }

  // Makes the registry durable: restores what an earlier run saved in `documents`, then writes
  // every later change there before it is acknowledged. A function made through the API comes
  // back whole; for one already here (the pipeline file declares it) the file's code and
  // settings stay, and what the API set (event invoke config, concurrency, recursion) comes
  // back. Returns the names of saved records it could not restore, with why.
  std::vector<std::string> keep_in(DocumentStore& documents);

  // Adds or replaces a function. Fails (with the reason) when its handler is unknown or the
  // change cannot be saved.
  std::optional<std::string> put(FunctionConfig config);
  // Adds a function that must be new: AlreadyExists when the name is taken (checked and added
  // under one lock, so two CreateFunction calls for a name cannot both succeed).
  Status create(FunctionConfig config);
  std::optional<FunctionConfig> find(const std::string& name) const;
  std::vector<FunctionConfig> list() const;
  // Applies `change` to the named function and returns it as changed: NotFound when there is
  // no such function (it may have just been deleted), IoError when it cannot be saved.
  Result<FunctionConfig> update(const std::string& name,
                                const std::function<void(FunctionConfig&)>& change);
  Status remove(const std::string& name);

  // A function name from what Lambda APIs accept: a name, "name:qualifier", a partial ARN
  // "account:function:name" or a full ARN. Empty when it names no known function, or one in
  // another region than a full ARN names, or than `region` (the endpoint's) when given.
  std::string resolve(const std::string& name_or_arn, const std::string& region = "") const;

 private:
  std::string region_;
  HandlerCatalog handlers_;
  // Writes one function's record (or removes it); called with mu_ held, so records are
  // written in the order the changes are made.
  Status save(const std::string& name, const FunctionConfig* fn);

  mutable std::shared_mutex mu_;
  std::map<std::string, FunctionConfig> functions_;
  DocumentStore* documents_ = nullptr;
};

}  // namespace bf
