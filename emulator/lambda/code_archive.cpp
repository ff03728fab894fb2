#include "emulator/lambda/code_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>

namespace bf {

std::string extract_zip(const std::string& zip_file, const std::string& destination) {
  std::error_code ec;
  std::filesystem::create_directories(destination, ec);
  if (ec) return "cannot create " + destination + ": " + ec.message();
  std::unique_ptr<archive, decltype(&archive_read_free)> in(archive_read_new(), archive_read_free);
  std::unique_ptr<archive, decltype(&archive_write_free)> out(archive_write_disk_new(), archive_write_free);
  archive_read_support_format_zip(in.get());
  // Entry names are checked below and then placed under `destination` (an absolute path).
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  if (archive_read_open_filename(in.get(), zip_file.c_str(), 64 * 1024) != ARCHIVE_OK)
    return zip_file + " is not a readable zip file: " + archive_error_string(in.get());
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    if (name.starts_with("/") || name == ".." || name.starts_with("../") ||
        name.find("/../") != std::string::npos || name.ends_with("/.."))
      return zip_file + ": entry " + name + " would land outside the function's folder";
    const std::string path = destination + "/" + name;
    archive_entry_set_pathname(entry, path.c_str());
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK)
      return std::string("cannot unpack ") + archive_entry_pathname(entry) + ": " + archive_error_string(out.get());
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
      if (archive_write_data_block(out.get(), block, size, offset) != ARCHIVE_OK)
        return std::string("cannot write ") + path + ": " + archive_error_string(out.get());
    if (rc != ARCHIVE_EOF) return zip_file + ": " + archive_error_string(in.get());
    if (archive_write_finish_entry(out.get()) != ARCHIVE_OK)
      return std::string("cannot finish ") + path + ": " + archive_error_string(out.get());
  }
  if (rc != ARCHIVE_EOF) return zip_file + ": " + archive_error_string(in.get());
  return "";
}

std::string check_zip_has(const std::string& zip_file, const std::string& name, bool& found) {
  found = false;
  std::unique_ptr<archive, decltype(&archive_read_free)> in(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(in.get());
  if (archive_read_open_filename(in.get(), zip_file.c_str(), 64 * 1024) != ARCHIVE_OK)
    return std::string("the package is not a readable zip file: ") + archive_error_string(in.get());
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    if (name == archive_entry_pathname(entry)) found = true;
    archive_read_data_skip(in.get());
  }
  if (rc != ARCHIVE_EOF) return std::string("the package is not a readable zip file: ") + archive_error_string(in.get());
  return "";
}

}  // namespace bf
