// What an AWS region's name looks like ("us-east-1", "eu-central-2", "us-gov-west-1",
// "cn-north-1", "us-isob-east-1"): the scope of a signature may name any of them, including
// regions that open after this was written.
#pragma once
#include <string_view>

namespace bf {

inline bool is_aws_region_name(std::string_view name) {
  // Two letters, one or more lowercase words, a number: "xx-word[-word]-N".
  if (name.size() < 6 || name.size() > 32) return false;
  if (!(name[0] >= 'a' && name[0] <= 'z' && name[1] >= 'a' && name[1] <= 'z' && name[2] == '-')) return false;
  const auto last_dash = name.rfind('-');
  if (last_dash <= 2 || last_dash + 1 == name.size()) return false;
  for (std::size_t i = last_dash + 1; i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  bool word_started = false;
  for (std::size_t i = 3; i < last_dash; ++i) {
    const char c = name[i];
    if (c == '-') {
      if (!word_started) return false;
      word_started = false;
    } else if (c >= 'a' && c <= 'z') {
      word_started = true;
    } else {
      return false;
    }
  }
  return word_started;
}

}  // namespace bf
