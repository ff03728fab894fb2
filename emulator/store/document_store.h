// Control-plane documents (a function's configuration, ...) by kind and name.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // Each call is committed before it returns, so an acknowledged change survives a crash like
  // an object.
  virtual Status put_document(const std::string& kind, const std::string& name,
                              const std::string& document) = 0;
  virtual Status delete_document(const std::string& kind, const std::string& name) = 0;
  // (name, document) pairs of one kind, by name.
  virtual std::vector<std::pair<std::string, std::string>> list_documents(const std::string& kind) = 0;
};

}  // namespace bf
