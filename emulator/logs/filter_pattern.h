// A CloudWatch Logs filter pattern (FilterLogEvents' filterPattern), compiled once and matched
// against each event's message:
// - terms: `ERROR`, `"quoted phrase"`; every plain term must appear (case-sensitive), no `-term`
//   may, and of the `?term`s at least one must when there are any;
// - JSON: `{ $.level = "error" && ($.latency > 100 || $.user.id = 5) }`: selectors with
//   `.name` and `[index]`, `=` `!=` (strings, `*` as a wildcard, or numbers) `<` `>` `<=` `>=`
//   (numbers), `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`, `&&`, `||` and parentheses; a
//   message that is not a JSON object matches none.
// Space-delimited patterns (`[ip, user, ...]`) are refused with a reason.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bf {

class FilterPattern {
 public:
  struct Node;
  // The pattern, or why it cannot be read (InvalidParameterException's message).
  static std::variant<FilterPattern, std::string> parse(std::string_view text);
  bool matches(std::string_view message) const;

 private:
  struct Term {
    std::string text;
    char kind = ' ';  // ' ' required, '?' any of, '-' none of
  };
  std::vector<Term> terms_;
  std::shared_ptr<const Node> json_;  // set for a JSON pattern
};

}  // namespace bf
