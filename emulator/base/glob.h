// Wildcard patterns as AWS's documents write them: '*' matches any run of characters, and
// where the format allows it (IAM policies) '?' matches any one character.
#pragma once
#include <string_view>

namespace bf {

inline bool glob_match(std::string_view pattern, std::string_view text, bool question_mark = false) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == text[t] || (question_mark && pattern[p] == '?'))) {
      ++p, ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace bf
