#include "emulator/store/sqlite_documents.h"

namespace bf {

Status SqliteDocuments::put_document(const std::string& kind, const std::string& name,
                                     const std::string& document) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "INSERT OR REPLACE INTO documents (kind, name, document) VALUES (?,?,?)");
  s.bind(1, kind).bind(2, name).bind(3, document);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("put document");
}

Status SqliteDocuments::delete_document(const std::string& kind, const std::string& name) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "DELETE FROM documents WHERE kind = ? AND name = ?");
  s.bind(1, kind).bind(2, name);
  return s.step() == SQLITE_DONE ? Status::ok() : db_.db_error("delete document");
}

std::vector<std::pair<std::string, std::string>> SqliteDocuments::list_documents(
    const std::string& kind) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "SELECT name, document FROM documents WHERE kind = ? ORDER BY name");
  s.bind(1, kind);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step() == SQLITE_ROW) out.emplace_back(s.text(0), s.text(1));
  return out;
}

}  // namespace bf
