// Removes blob files on a thread of its own, so a long run of deletions (a lifecycle run's
// expirations, a page of 500 at a time) does not wait on the filesystem: unlinking a file is
// most of what an expiry costs. Ids are never reused, so a late removal cannot hit a newer
// object; what is still queued when the process dies is removed by the next start's sweep of
// orphans.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "emulator/store/blob_files.h"

namespace bf {

class BlobReaper {
 public:
  explicit BlobReaper(const BlobFiles& files);
  ~BlobReaper();  // removes what is queued, then stops
  BlobReaper(const BlobReaper&) = delete;
  BlobReaper& operator=(const BlobReaper&) = delete;

  // Queues the ids; waits first while the queue is full, so memory stays bounded however
  // many files a run lets go.
  void remove_later(std::vector<std::string> ids);

 private:
  void loop();

  const BlobFiles& files_;
  std::mutex mu_;
  std::condition_variable cv_;       // work queued, or stopping
  std::condition_variable room_cv_;  // the queue went below its limit
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bf
