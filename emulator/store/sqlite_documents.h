// Control-plane documents on the shared SQLite connection.
#pragma once
#include "emulator/store/document_store.h"
#include "emulator/store/sqlite_db.h"

namespace bf {

class SqliteDocuments final : public DocumentStore {
 public:
  explicit SqliteDocuments(SqliteDb& db) : db_(db) {}

  Status put_document(const std::string& kind, const std::string& name,
                      const std::string& document) override;
  Status delete_document(const std::string& kind, const std::string& name) override;
  std::vector<std::pair<std::string, std::string>> list_documents(const std::string& kind) override;

 private:
  SqliteDb& db_;
};

}  // namespace bf
