// Function code packages: zip files (Lambda's deployment format) unpacked into folders.
#pragma once
#include <cstdint>
#include <string>

namespace bf {

// Lambda's limit on a package's unzipped size, and a bound on its entries (zip bombs made
// of millions of empty files are as bad as large ones).
inline constexpr std::uint64_t kMaxUnzippedBytes = 262144000;
inline constexpr std::uint64_t kMaxZipEntries = 20000;

// Unpacks `zip_file` into `destination` (created). Permission bits are kept (so `bootstrap`
// stays executable) but never setuid, setgid or sticky; entries that would land outside the
// folder, hard links and device files are refused, and so is a package that unpacks to more than
// kMaxUnzippedBytes or kMaxZipEntries. Returns an error message, or "" on success.
std::string extract_zip(const std::string& zip_file, const std::string& destination);

struct ZipSummary {
  bool has_bootstrap = false;   // an entry named exactly "bootstrap"
  std::uint64_t entries = 0;
  std::uint64_t unzipped_bytes = 0;  // counted by reading every entry, not from its header
};

// Reads the whole package as extract_zip would, without writing anything. Returns an error
// message (not a zip, over a limit) or "".
std::string inspect_zip(const std::string& zip_file, ZipSummary& summary);

}  // namespace bf
