// Buckets and their sub-resource documents: read on every request, changed rarely.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

struct BucketRecord {
  std::string name;
  std::string region;
  std::int64_t created_ms = 0;
  std::string owner;
};

class BucketStore {
 public:
  virtual ~BucketStore() = default;

  virtual Status create_bucket(const BucketRecord& bucket) = 0;  // AlreadyExists
  virtual std::optional<BucketRecord> find_bucket(const std::string& name) = 0;
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
