#include "emulator/http/target.h"

#include <algorithm>

#include "emulator/http/message.h"

namespace bf {

const std::string* RequestTarget::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

bool parse_query(std::string_view query, sigv4::Params& out) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string name_raw(part.substr(0, eq));
    std::string value_raw(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    std::replace(name_raw.begin(), name_raw.end(), '+', ' ');
    std::replace(value_raw.begin(), value_raw.end(), '+', ' ');
    std::string name, value;
    if (!sigv4::uri_decode(name_raw, name) || !sigv4::uri_decode(value_raw, value)) return false;
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

std::optional<AbsoluteTarget> split_absolute_form(std::string_view target) {
  auto starts_with_scheme = [&](std::string_view scheme) {
    return target.size() > scheme.size() && iequals(target.substr(0, scheme.size()), scheme);
  };
  std::string_view rest;
  if (starts_with_scheme("http://"))
    rest = target.substr(7);
  else if (starts_with_scheme("https://"))
    rest = target.substr(8);
  else
    return std::nullopt;
  const std::size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string origin(end == std::string_view::npos ? std::string_view() : rest.substr(end));
  if (const auto fragment = origin.find('#'); fragment != std::string::npos) origin.resize(fragment);
  if (origin.empty() || origin.front() != '/') origin.insert(0, "/");
  return AbsoluteTarget{std::string(authority), std::move(origin)};
}

std::optional<RequestTarget> parse_target(std::string_view target, TargetError* error) {
  RequestTarget t;
  const auto qmark = target.find('?');
  t.raw_path = std::string(target.substr(0, qmark));
  if (qmark != std::string_view::npos && !parse_query(target.substr(qmark + 1), t.query)) {
    if (error) *error = TargetError::MalformedQuery;
    return std::nullopt;
  }
  if (!sigv4::uri_decode(t.raw_path, t.path) || t.path.empty() || t.path.front() != '/') {
    if (error) *error = TargetError::InvalidPath;
    return std::nullopt;
  }
  return t;
}

}  // namespace bf
