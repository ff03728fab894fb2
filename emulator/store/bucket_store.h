// Buckets and their sub-resource documents: read on every request, changed rarely.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

struct BucketRecord {
  std::string name;
  std::string region;
  std::int64_t created_ms = 0;
  std::string owner;
};

// A bucket and its configuration documents as of one moment. Immutable: a change makes a new
// one, so a reader may keep it (and whatever it derives from it) as long as it likes, and
// tell a changed bucket by the pointer.
struct BucketState {
  BucketRecord record;
  std::map<std::string, std::string, std::less<>> configs;  // by configuration name

  const std::string* config(std::string_view name) const {
    auto it = configs.find(name);
    return it == configs.end() ? nullptr : &it->second;
  }
};

class BucketStore {
 public:
  virtual ~BucketStore() = default;

  virtual Status create_bucket(const BucketRecord& bucket) = 0;  // AlreadyExists
  virtual std::optional<BucketRecord> find_bucket(const std::string& name) = 0;
  // The bucket with its configurations in one read; null when there is no such bucket.
  virtual std::shared_ptr<const BucketState> bucket_state(const std::string& name) = 0;
  virtual std::vector<BucketRecord> list_buckets() = 0;
  virtual Status delete_bucket(const std::string& name) = 0;  // NotFound, NotEmpty

  // Bucket sub-resource documents (CORS, ...), stored as the S3 layer serialises them.
  virtual Status put_bucket_config(const std::string& bucket, const std::string& name,
                                   const std::string& document) = 0;
  virtual std::optional<std::string> get_bucket_config(const std::string& bucket,
                                                       const std::string& name) = 0;
  virtual Status delete_bucket_config(const std::string& bucket, const std::string& name) = 0;
};

}  // namespace bf
