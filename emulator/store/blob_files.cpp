#include "emulator/store/blob_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace bf {

namespace fs = std::filesystem;

namespace {

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

Status errno_status(const std::string& what) {
  return Status::io_error(what + ": " + std::strerror(errno));
}

Status sync_directory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("open " + path);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : errno_status("sync " + path);
}

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(std::string id, std::string temp_path, int fd)
      : id_(std::move(id)), temp_path_(std::move(temp_path)), fd_(fd) {}
  ~FileBlobWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_path_.c_str());
  }
  const std::string& id() const override { return id_; }
  Status write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("write blob");
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
    start_writeback();
    return Status::ok();
  }
  Status append_from(int source_fd, std::uint64_t offset, std::uint64_t length) override {
    loff_t in_off = static_cast<loff_t>(offset);
    while (length > 0) {
      ssize_t n = ::copy_file_range(source_fd, &in_off, fd_, nullptr, length, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
        return copy_by_hand(source_fd, static_cast<std::uint64_t>(in_off), length);
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("copy blob");
      }
      if (n == 0) return Status::corruption("source blob is shorter than its record");
      length -= static_cast<std::uint64_t>(n);
      size_ += static_cast<std::uint64_t>(n);
    }
    return Status::ok();
  }
  std::uint64_t size() const override { return size_; }

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_path_; }
  void mark_committed() {
    committed_ = true;
    ::close(fd_);
    fd_ = -1;
  }

 private:
  Status copy_by_hand(int source_fd, std::uint64_t offset, std::uint64_t length) {
    std::vector<char> buf(256 * 1024);
    while (length > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length));
      ssize_t n = ::pread(source_fd, buf.data(), want, static_cast<off_t>(offset));
      if (n <= 0) return n == 0 ? Status::corruption("short blob") : errno_status("read blob");
      if (auto s = write(std::string_view(buf.data(), static_cast<std::size_t>(n))); !s) return s;
      offset += static_cast<std::uint64_t>(n);
      length -= static_cast<std::uint64_t>(n);
    }
    return Status::ok();
  }

  // Large bodies: ask the kernel to start writing what has arrived, without waiting, so the
  // fdatasync at commit finds little left to do.
  void start_writeback() {
    constexpr std::uint64_t kWritebackStep = 8 * 1024 * 1024;
    if (size_ - written_back_ < kWritebackStep) return;
    ::sync_file_range(fd_, static_cast<off_t>(written_back_),
                      static_cast<off_t>(size_ - written_back_), SYNC_FILE_RANGE_WRITE);
    written_back_ = size_;
  }

  std::string id_;
  std::string temp_path_;
  int fd_;
  std::uint64_t size_ = 0;
  std::uint64_t written_back_ = 0;
  bool committed_ = false;
};

}  // namespace

BlobFiles::BlobFiles(std::string root, bool sync) : root_(std::move(root)), sync_(sync) {}

Status BlobFiles::init() {
  std::error_code ec;
  fs::create_directories(root_ + "/blobs", ec);
  if (ec) return Status::io_error("create " + root_ + "/blobs: " + ec.message());
  fs::remove_all(root_ + "/tmp", ec);
  fs::create_directories(root_ + "/tmp", ec);
  if (ec) return Status::io_error("create " + root_ + "/tmp: " + ec.message());
  return Status::ok();
}

std::string BlobFiles::path_of(const std::string& id) const {
  return root_ + "/blobs/" + id.substr(0, 2) + "/" + id;
}

std::unique_ptr<BlobWriter> BlobFiles::new_writer(Status& status) {
  std::string id = random_id();
  std::string temp = root_ + "/tmp/" + id;
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    status = errno_status("create " + temp);
    return nullptr;
  }
  status = Status::ok();
  return std::make_unique<FileBlobWriter>(id, temp, fd);
}

Status BlobFiles::commit(BlobWriter& writer) {
  auto& w = static_cast<FileBlobWriter&>(writer);
  if (sync_ && ::fdatasync(w.fd()) != 0) return errno_status("sync blob");
  std::string final_path = path_of(w.id());
  // Fan-out folders are made on first use (a fresh start stays fast) and remembered, so later
  // commits are a rename and nothing more.
  const auto slot = static_cast<std::size_t>(std::stoul(w.id().substr(0, 2), nullptr, 16));
  if (!fanout_made_[slot].load(std::memory_order_acquire)) {
    std::string dir = final_path.substr(0, final_path.rfind('/'));
    if (::mkdir(dir.c_str(), 0755) != 0) {
      if (errno != EEXIST) return errno_status("mkdir " + dir);
    } else if (sync_) {
      // The new folder's own entry must reach the disk before a blob in it is relied on.
      if (Status s = sync_directory(root_ + "/blobs"); !s) return s;
    }
    fanout_made_[slot].store(true, std::memory_order_release);
  }
  if (::rename(w.temp_path().c_str(), final_path.c_str()) != 0) return errno_status("rename blob");
  w.mark_committed();
  return Status::ok();
}

Result<std::shared_ptr<OpenFile>> BlobFiles::open(const std::string& id) const {
  int fd = ::open(path_of(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("open blob " + id);
  return std::make_shared<OpenFile>(fd);
}

void BlobFiles::remove(const std::string& id) const { ::unlink(path_of(id).c_str()); }

std::size_t BlobFiles::sweep(const std::set<std::string>& referenced) const {
  std::size_t removed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_ + "/blobs", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string id = it->path().filename().string();
    if (!referenced.count(id)) {
      fs::remove(it->path(), ec);
      ++removed;
    }
  }
  return removed;
}

}  // namespace bf
