#include "emulator/logs/filter_pattern.h"

#include <cctype>
#include <cstdlib>
#include <optional>

#include "emulator/base/glob.h"
#include "sdk/json.h"

namespace bf {

// One node of a JSON pattern: a comparison, or && / || of two nodes.
struct FilterPattern::Node {
  enum class Kind { And, Or, Compare } kind = Kind::Compare;
  std::shared_ptr<const Node> left, right;
  std::vector<std::variant<std::string, std::size_t>> path;  // .name or [index]
  std::string op;     // = != < > <= >= null notexists true false
  std::string text;   // a string value
  std::optional<double> number;
};

namespace {

using Node = FilterPattern::Node;

struct ParseError {
  std::string message;
};

// A recursive-descent reader of the JSON pattern between the braces.
class JsonPatternReader {
 public:
  explicit JsonPatternReader(std::string_view text) : text_(text) {}

  std::shared_ptr<const Node> read() {
    auto node = read_or();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected \"" + std::string(text_.substr(pos_, 10)) + "\"");
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& why) { throw ParseError{"Invalid filter pattern: " + why}; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool take(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool take_keyword(std::string_view word) {  // case-insensitive, whole word
    skip_space();
    if (text_.size() - pos_ < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(text_[pos_ + i])) != word[i]) return false;
    const std::size_t end = pos_ + word.size();
    if (end < text_.size() && std::isalnum(static_cast<unsigned char>(text_[end]))) return false;
    pos_ = end;
    return true;
  }

  std::shared_ptr<const Node> read_or() {
    auto left = read_and();
    while (take("||")) left = join(Node::Kind::Or, left, read_and());
    return left;
  }
  std::shared_ptr<const Node> read_and() {
    auto left = read_primary();
    while (take("&&")) left = join(Node::Kind::And, left, read_primary());
    return left;
  }
  static std::shared_ptr<const Node> join(Node::Kind kind, std::shared_ptr<const Node> l, std::shared_ptr<const Node> r) {
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->left = std::move(l);
    node->right = std::move(r);
    return node;
  }
  std::shared_ptr<const Node> read_primary() {
    if (++depth_ > 50) fail("too deeply nested");
    if (take("(")) {
      auto inner = read_or();
      if (!take(")")) fail("a parenthesis is not closed");
      --depth_;
      return inner;
    }
    auto node = std::make_shared<Node>();
    read_selector(*node);
    if (take_keyword("IS")) {
      if (take_keyword("NULL")) node->op = "null";
      else if (take_keyword("TRUE")) node->op = "true";
      else if (take_keyword("FALSE")) node->op = "false";
      else fail("IS takes NULL, TRUE or FALSE");
    } else if (take_keyword("NOT")) {
      if (!take_keyword("EXISTS")) fail("NOT takes EXISTS");
      node->op = "notexists";
    } else {
      for (const char* op : {"!=", "<=", ">=", "=", "<", ">"})
        if (take(op)) {
          node->op = op;
          break;
        }
      if (node->op.empty()) fail("a selector needs a comparison");
      read_value(*node);
      if (node->op != "=" && node->op != "!=" && !node->number) fail(node->op + " compares numbers only");
    }
    --depth_;
    return node;
  }
  void read_selector(Node& node) {
    if (!take("$")) fail("a selector starts with $");
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        ++pos_;
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
                                       text_[pos_] == '-' || text_[pos_] == '@'))
          ++pos_;
        if (pos_ == start) fail("a selector's field has no name");
        node.path.emplace_back(std::string(text_.substr(start, pos_ - start)));
      } else if (text_[pos_] == '[') {
        const std::size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) fail("a selector's [ is not closed");
        const std::string index(text_.substr(pos_ + 1, close - pos_ - 1));
        if (index.empty() || index.size() > 9 ||
            index.find_first_not_of("0123456789") != std::string::npos)
          fail("a selector's index is not a number");
        node.path.emplace_back(static_cast<std::size_t>(std::stoul(index)));
        pos_ = close + 1;
      } else {
        break;
      }
    }
  }
  void read_value(Node& node) {
    skip_space();
    if (pos_ >= text_.size()) fail("a comparison has no value");
    if (text_[pos_] == '"') {
      std::string value;
      for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        value += text_[pos_];
      }
      if (pos_ >= text_.size()) fail("a quoted value is not closed");
      ++pos_;
      node.text = std::move(value);
      return;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) && text_[pos_] != ')' &&
           text_[pos_] != '&' && text_[pos_] != '|')
      ++pos_;
    const std::string word(text_.substr(start, pos_ - start));
    char* end = nullptr;
    const double number = std::strtod(word.c_str(), &end);
    if (!word.empty() && end == word.c_str() + word.size() && word.find_first_of("0123456789") != std::string::npos)
      node.number = number;
    else
      node.text = word;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

const Json* select(const Json& root, const Node& node) {
  const Json* at = &root;
  for (const auto& step : node.path) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      if (!at->is_object()) return nullptr;
      auto it = at->find(*name);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else {
      const std::size_t index = std::get<std::size_t>(step);
      if (!at->is_array() || index >= at->size()) return nullptr;
      at = &(*at)[index];
    }
  }
  return at;
}

bool evaluate(const Node& node, const Json& root) {
  if (node.kind == Node::Kind::And) return evaluate(*node.left, root) && evaluate(*node.right, root);
  if (node.kind == Node::Kind::Or) return evaluate(*node.left, root) || evaluate(*node.right, root);
  const Json* value = select(root, node);
  if (node.op == "notexists") return value == nullptr;
  if (!value) return false;
  if (node.op == "null") return value->is_null();
  if (node.op == "true") return value->is_boolean() && value->get<bool>();
  if (node.op == "false") return value->is_boolean() && !value->get<bool>();
  if (node.number) {
    if (!value->is_number()) return false;
    const double v = value->get<double>(), n = *node.number;
    if (node.op == "=") return v == n;
    if (node.op == "!=") return v != n;
    if (node.op == "<") return v < n;
    if (node.op == ">") return v > n;
    if (node.op == "<=") return v <= n;
    return v >= n;
  }
  const bool equal = value->is_string() ? glob_match(node.text, value->get_ref<const std::string&>())
                                        : value->is_boolean() && node.text == (value->get<bool>() ? "true" : "false");
  return node.op == "=" ? equal : !equal;
}

}  // namespace

std::variant<FilterPattern, std::string> FilterPattern::parse(std::string_view text) {
  FilterPattern pattern;
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '[')
    return std::string("Invalid filter pattern: space-delimited patterns ([...]) are not supported by bucketfire");
  try {
    if (i < text.size() && text[i] == '{') {
      const auto close = text.rfind('}');
      if (close == std::string_view::npos || close < i) return std::string("Invalid filter pattern: { is not closed");
      for (std::size_t k = close + 1; k < text.size(); ++k)
        if (!std::isspace(static_cast<unsigned char>(text[k])))
          return std::string("Invalid filter pattern: text after the closing }");
      pattern.json_ = JsonPatternReader(text.substr(i + 1, close - i - 1)).read();
      return pattern;
    }
  } catch (const ParseError& e) {
    return e.message;
  }
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    Term term;
    if (text[i] == '?' || text[i] == '-') term.kind = text[i++];
    if (i < text.size() && text[i] == '"') {
      const auto close = text.find('"', i + 1);
      if (close == std::string_view::npos) return std::string("Invalid filter pattern: a quoted term is not closed");
      term.text = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const std::size_t start = i;
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      term.text = std::string(text.substr(start, i - start));
    }
    if (term.text.empty()) {
      if (term.kind != ' ') return std::string("Invalid filter pattern: ") + term.kind + " needs a term";
      continue;
    }
    pattern.terms_.push_back(std::move(term));
  }
  return pattern;
}

bool FilterPattern::matches(std::string_view message) const {
  if (json_) {
    const Json root = Json::parse(message, nullptr, false);
    return !root.is_discarded() && root.is_object() && evaluate(*json_, root);
  }
  bool any_optional = false, optional_found = false;
  for (const Term& term : terms_) {
    const bool found = message.find(term.text) != std::string_view::npos;
    if (term.kind == ' ' && !found) return false;
    if (term.kind == '-' && found) return false;
    if (term.kind == '?') {
      any_optional = true;
      optional_found = optional_found || found;
    }
  }
  return !any_optional || optional_found;
}

}  // namespace bf
