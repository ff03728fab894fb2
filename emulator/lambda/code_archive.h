// Function code packages: zip files (Lambda's deployment format) unpacked into folders.
#pragma once
#include <string>

namespace bf {

// Unpacks `zip_file` into `destination` (created), keeping file modes so `bootstrap` stays
// executable. Entries that would land outside the folder are refused. Returns an error
// message, or "" on success.
std::string extract_zip(const std::string& zip_file, const std::string& destination);

// Whether the zip holds an entry with this exact name ("bootstrap"); "" or an error message.
std::string check_zip_has(const std::string& zip_file, const std::string& name, bool& found);

}  // namespace bf
