// What every command shares: the usage text, flag parsing, and the options `serve` and
// `invoke` both take.
#pragma once
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

#include "emulator/app/options.h"

namespace bf::cli {

extern const char* const kUsage;

// Prints `message` and the usage; returns the exit status for a usage error (2).
int usage_error(const std::string& message);

// Applies one option shared by serve and invoke; false when `flag` is not one of them.
// Throws std::invalid_argument (or what std::stoi throws) for a bad value.
bool apply_serve_option(std::string_view flag, const std::string& value, ServeOptions& options);

// A flag that takes no value, and where to set it.
struct BooleanFlag {
  const char* name;
  bool* value;
};

// Walks "--flag value" pairs (and the `booleans`, which stand alone); `apply` returns false
// for an unknown flag. Returns -1 when all flags applied, else the exit status to end with
// (0 after --help).
template <typename Apply>
int parse_flags(int argc, char** argv, int first, Apply apply, std::initializer_list<BooleanFlag> booleans = {}) {
  for (int i = first; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    bool standalone = false;
    for (const auto& b : booleans)
      if (flag == b.name) *b.value = standalone = true;
    if (standalone) continue;
    // Both "--flag value" and "--flag=value".
    std::string value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = std::string(flag.substr(eq + 1));
      flag = flag.substr(0, eq);
    } else {
      if (i + 1 >= argc) return usage_error("missing value for " + std::string(flag));
      value = argv[++i];
    }
    try {
      if (!apply(flag, value)) return usage_error("unknown option " + std::string(flag));
    } catch (const std::exception& e) {
      return usage_error("bad value for " + std::string(flag) + ": " + value + " (" + e.what() + ")");
    }
  }
  return -1;
}

}  // namespace bf::cli
