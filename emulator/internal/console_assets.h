// The console's files (emulator/internal/console/), built into the binary so it serves them
// with nothing fetched from elsewhere: workshop rooms have no network.
#pragma once
#include <string_view>

namespace bf {

struct ConsoleAsset {
  std::string_view content_type;
  std::string_view body;
};

// The file of that name ("index.html", "console.js", "console.css"), or null.
const ConsoleAsset* console_asset(std::string_view name);

}  // namespace bf
