// Function code packages: zip files (Lambda's deployment format) unpacked into folders.
#pragma once
#include <string>

namespace bf {

// Unpacks `zip_file` into `destination` (created), keeping file modes so `bootstrap` stays
// executable. Entries that would land outside the folder are refused. Returns an error
// message, or "" on success.
std::string extract_zip(const std::string& zip_file, const std::string& destination);

}  // namespace bf
