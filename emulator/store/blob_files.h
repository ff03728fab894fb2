// Object bytes on disk. Blob names are random ids, never derived from keys, so no key can
// name a path outside the data directory. Layout: blobs/<2 hex>/<32 hex>, temp files in tmp/.
#pragma once
#include <array>
#include <atomic>
#include <memory>
#include <set>
#include <string>

#include "emulator/base/status.h"
#include "emulator/store/object_store.h"

namespace bf {

class BlobFiles {
 public:
  BlobFiles(std::string root, bool sync);

  Status init();  // creates the folders and empties tmp/ (writes that never committed)
  std::unique_ptr<BlobWriter> new_writer(Status& status);
  // fdatasync + rename of a writer's temp file into blobs/.
  Status commit(BlobWriter& writer);
  Result<std::shared_ptr<OpenFile>> open(const std::string& id) const;
  void remove(const std::string& id) const;
  // Removes every blob whose id is not in `referenced` (left by a crash between the blob's
  // rename and its row's commit). Returns how many were removed.
  std::size_t sweep(const std::set<std::string>& referenced) const;
  const std::string& root() const { return root_; }

 private:
  std::string path_of(const std::string& id) const;
  std::string root_;
  bool sync_;
  std::array<std::atomic<bool>, 256> fanout_made_{};  // blobs/<2 hex>/ exists
};

}  // namespace bf
