// A file descriptor owned by whoever holds the last reference: the store opens a blob, the HTTP
// layer streams from it, and it closes when both are done (an overwrite meanwhile changes
// nothing for a reader already under way).
#pragma once

namespace bf {

class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace bf
