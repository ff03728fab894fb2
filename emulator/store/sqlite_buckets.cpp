#include "emulator/store/sqlite_buckets.h"

#include <mutex>

namespace bf {

void SqliteBuckets::load() {
  Statement b(db_.statements(), "SELECT name, region, created_ms, owner FROM buckets");
  std::map<std::string, BucketState> loaded;
  while (b.step() == SQLITE_ROW)
    loaded[b.text(0)] = BucketState{{b.text(0), b.text(1), b.integer(2), b.text(3)}, {}};
  Statement c(db_.statements(), "SELECT bucket, name, document FROM bucket_configs");
  while (c.step() == SQLITE_ROW)
    if (auto it = loaded.find(c.text(0)); it != loaded.end()) it->second.configs[c.text(1)] = c.text(2);
  for (auto& [name, state] : loaded)
    buckets_[name] = std::make_shared<const BucketState>(std::move(state));
}

void SqliteBuckets::change_configs(
    const std::string& bucket,
    const std::function<void(std::map<std::string, std::string, std::less<>>&)>& change) {
  std::unique_lock cache(cache_mu_);
  auto it = buckets_.find(bucket);
  if (it == buckets_.end()) return;
  auto changed = std::make_shared<BucketState>(*it->second);
  change(changed->configs);
  it->second = std::move(changed);
}

Status SqliteBuckets::create_bucket(const BucketRecord& b) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "INSERT INTO buckets (name, region, created_ms, owner) VALUES (?,?,?,?)");
  s.bind(1, b.name).bind(2, b.region).bind(3, b.created_ms).bind(4, b.owner);
  int rc = s.step();
  if (rc == SQLITE_CONSTRAINT) return Status::already_exists(b.name);
  if (rc != SQLITE_DONE) return db_.db_error("create bucket");
  std::unique_lock cache(cache_mu_);
  buckets_[b.name] = std::make_shared<const BucketState>(BucketState{b, {}});
  return Status::ok();
}

std::optional<BucketRecord> SqliteBuckets::find_bucket(const std::string& name) {
  std::shared_lock cache(cache_mu_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) return std::nullopt;
  return it->second->record;
}

std::shared_ptr<const BucketState> SqliteBuckets::bucket_state(const std::string& name) {
  std::shared_lock cache(cache_mu_);
  auto it = buckets_.find(name);
  return it == buckets_.end() ? nullptr : it->second;
}

std::vector<BucketRecord> SqliteBuckets::list_buckets() {
  std::shared_lock cache(cache_mu_);
  std::vector<BucketRecord> out;
  for (const auto& [name, bucket] : buckets_) out.push_back(bucket->record);
  return out;
}

Status SqliteBuckets::delete_bucket(const std::string& name) {
  std::lock_guard lock(db_.mutex());
  // Only an empty bucket goes: no object, no noncurrent version or marker, no upload.
  for (const char* sql : {"SELECT 1 FROM objects WHERE bucket = ? LIMIT 1",
                          "SELECT 1 FROM versions WHERE bucket = ? LIMIT 1",
                          "SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1"}) {
    Statement s(db_.statements(), sql);
    s.bind(1, name);
    if (s.step() == SQLITE_ROW) return Status::not_empty(name);
  }
  Status status = db_.in_transaction([&]() -> Status {
    Statement s(db_.statements(), "DELETE FROM buckets WHERE name = ?");
    s.bind(1, name);
    if (s.step() != SQLITE_DONE) return db_.db_error("delete bucket");
    if (!db_.changes()) return Status::not_found(name);
    Statement c(db_.statements(), "DELETE FROM bucket_configs WHERE bucket = ?");
    c.bind(1, name);
    return c.step() == SQLITE_DONE ? Status::ok() : db_.db_error("delete bucket configs");
  });
  if (status) {
    std::unique_lock cache(cache_mu_);
    buckets_.erase(name);
  }
  return status;
}

Status SqliteBuckets::put_bucket_config(const std::string& bucket, const std::string& name,
                                        const std::string& document) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(),
              "INSERT OR REPLACE INTO bucket_configs (bucket, name, document) VALUES (?,?,?)");
  s.bind(1, bucket).bind(2, name).bind(3, document);
  if (s.step() != SQLITE_DONE) return db_.db_error("put bucket config");
  change_configs(bucket, [&](auto& configs) { configs[name] = document; });
  return Status::ok();
}

std::optional<std::string> SqliteBuckets::get_bucket_config(const std::string& bucket,
                                                            const std::string& name) {
  auto state = bucket_state(bucket);
  const std::string* document = state ? state->config(name) : nullptr;
  if (!document) return std::nullopt;
  return *document;
}

Status SqliteBuckets::delete_bucket_config(const std::string& bucket, const std::string& name) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.statements(), "DELETE FROM bucket_configs WHERE bucket = ? AND name = ?");
  s.bind(1, bucket).bind(2, name);
  if (s.step() != SQLITE_DONE) return db_.db_error("delete bucket config");
  change_configs(bucket, [&](auto& configs) { configs.erase(name); });
  return Status::ok();
}

}  // namespace bf
