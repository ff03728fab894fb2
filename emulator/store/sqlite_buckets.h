// Buckets and their configurations on the shared SQLite connection, served from memory.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "emulator/store/bucket_store.h"
#include "emulator/store/sqlite_db.h"

namespace bf {

// Buckets and their configurations are read on every request and change rarely: they are
// served from memory, and every change is written to SQLite first.
class SqliteBuckets final : public BucketStore {
 public:
  explicit SqliteBuckets(SqliteDb& db) : db_(db) {}

  // Fills the cache from the database; once, after the database is open.
  void load();

  Status create_bucket(const BucketRecord& b) override;
  std::optional<BucketRecord> find_bucket(const std::string& name) override;
  std::shared_ptr<const BucketState> bucket_state(const std::string& name) override;
  std::vector<BucketRecord> list_buckets() override;
  Status delete_bucket(const std::string& name) override;
  Status put_bucket_config(const std::string& bucket, const std::string& name,
                           const std::string& document) override;
  std::optional<std::string> get_bucket_config(const std::string& bucket,
                                               const std::string& name) override;
  Status delete_bucket_config(const std::string& bucket, const std::string& name) override;

 private:
  // Replaces a cached bucket's state with a changed copy (states are never changed in place).
  void change_configs(const std::string& bucket,
                      const std::function<void(std::map<std::string, std::string, std::less<>>&)>& change);

  SqliteDb& db_;
  std::shared_mutex cache_mu_;
  std::map<std::string, std::shared_ptr<const BucketState>> buckets_;  // by name, as ListBuckets orders them
};

}  // namespace bf
