#include "emulator/lambda/code_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>

namespace bf {

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;

// libarchive converts entry names to the calling thread's locale, and the server runs in the C
// locale, where a name like "café.txt" (UTF-8, as every zip tool writes it) cannot be converted:
// the entry would be refused though Lambda takes it. A UTF-8 locale for this thread, while it
// reads or writes a package, keeps such names as they are.
class Utf8NamesOnThisThread {
 public:
  Utf8NamesOnThisThread() : utf8_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (utf8_) previous_ = uselocale(utf8_);
  }
  ~Utf8NamesOnThisThread() {
    if (!utf8_) return;
    uselocale(previous_);
    freelocale(utf8_);
  }
  Utf8NamesOnThisThread(const Utf8NamesOnThisThread&) = delete;
  Utf8NamesOnThisThread& operator=(const Utf8NamesOnThisThread&) = delete;

 private:
  locale_t utf8_;
  locale_t previous_ = static_cast<locale_t>(0);
};

Reader open_zip(const std::string& zip_file, std::string& error) {
  Reader in(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(in.get());
  if (archive_read_open_filename(in.get(), zip_file.c_str(), 64 * 1024) != ARCHIVE_OK) {
    error = "the package is not a readable zip file: " + std::string(archive_error_string(in.get()));
    return Reader(nullptr, archive_read_free);
  }
  return in;
}

// Why an entry may not be unpacked, or "".
std::string entry_problem(archive_entry* entry, std::uint64_t entries) {
  // NULL when the name cannot be converted to the thread's locale (a name that is not UTF-8).
  const char* raw_name = archive_entry_pathname(entry);
  if (raw_name == nullptr) return "an entry's name cannot be read";
  const std::string name = raw_name;
  if (entries > kMaxZipEntries)
    return "the package has more than " + std::to_string(kMaxZipEntries) + " entries";
  if (name.empty() || name.starts_with("/") || name == ".." || name.starts_with("../") ||
      name.find("/../") != std::string::npos || name.ends_with("/.."))
    return "entry " + name + " would land outside the function's folder";
  const auto type = archive_entry_filetype(entry);
  // Symbolic links are written as links (never followed while unpacking); hard links could
  // name any file on the machine, and device files have no place in a package.
  if (archive_entry_hardlink(entry) || (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK))
    return "entry " + name + " is not a file, folder or symbolic link";
  return "";
}

std::string too_large() {
  return "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes";
}

}  // namespace

std::string extract_zip(const std::string& zip_file, const std::string& destination) {
  Utf8NamesOnThisThread utf8_names;
  std::error_code ec;
  std::filesystem::create_directories(destination, ec);
  if (ec) return "cannot create " + destination + ": " + ec.message();
  std::string error;
  Reader in = open_zip(zip_file, error);
  if (!in) return zip_file + ": " + error;
  std::unique_ptr<archive, decltype(&archive_write_free)> out(archive_write_disk_new(), archive_write_free);
  // Entry names are checked below and then placed under `destination` (an absolute path).
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  archive_entry* entry = nullptr;
  std::uint64_t entries = 0, written = 0;
  int rc;
  while ((rc = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    if (std::string problem = entry_problem(entry, ++entries); !problem.empty())
      return zip_file + ": " + problem;
    // Executable bits survive; setuid, setgid and sticky never do (the server may run as root).
    archive_entry_set_perm(entry, (archive_entry_perm(entry) & 0777) | S_IRUSR);
    const std::string path = destination + "/" + archive_entry_pathname(entry);
    archive_entry_set_pathname(entry, path.c_str());
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK)
      return std::string("cannot unpack ") + archive_entry_pathname(entry) + ": " + archive_error_string(out.get());
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK) {
      // Counted as unpacked, so a header that understates an entry's size changes nothing.
      if ((written += size) > kMaxUnzippedBytes) return zip_file + ": " + too_large();
      if (archive_write_data_block(out.get(), block, size, offset) != ARCHIVE_OK)
        return std::string("cannot write ") + path + ": " + archive_error_string(out.get());
    }
    if (rc != ARCHIVE_EOF) return zip_file + ": " + archive_error_string(in.get());
    if (archive_write_finish_entry(out.get()) != ARCHIVE_OK)
      return std::string("cannot finish ") + path + ": " + archive_error_string(out.get());
  }
  if (rc != ARCHIVE_EOF) return zip_file + ": " + archive_error_string(in.get());
  return "";
}

std::string inspect_zip(const std::string& zip_file, ZipSummary& summary) {
  summary = {};
  Utf8NamesOnThisThread utf8_names;
  std::string error;
  Reader in = open_zip(zip_file, error);
  if (!in) return error;
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    if (std::string problem = entry_problem(entry, ++summary.entries); !problem.empty()) return problem;
    if (std::string("bootstrap") == archive_entry_pathname(entry)) summary.has_bootstrap = true;
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
      if ((summary.unzipped_bytes += size) > kMaxUnzippedBytes) return too_large();
    if (rc != ARCHIVE_EOF) return std::string("the package is not a readable zip file: ") + archive_error_string(in.get());
  }
  if (rc != ARCHIVE_EOF) return std::string("the package is not a readable zip file: ") + archive_error_string(in.get());
  return "";
}

}  // namespace bf
