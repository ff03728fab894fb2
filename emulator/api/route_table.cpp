#include "emulator/api/route_table.h"

#include <tuple>

namespace bf {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_variable(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool is_greedy(const std::string& s) { return is_variable(s) && s.ends_with("+}"); }

}  // namespace

std::optional<Route> parse_route(const std::string& route_key, std::string& error) {
  Route r;
  r.route_key = route_key;
  if (route_key == "$default") return r;
  auto space = route_key.find(' ');
  if (space == std::string::npos) {
    error = "a route is \"METHOD /path\" or \"$default\"";
    return std::nullopt;
  }
  r.method = route_key.substr(0, space);
  const std::string path = route_key.substr(space + 1);
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"};
  bool known = false;
  for (const char* m : kMethods) known = known || r.method == m;
  if (!known) {
    error = "unknown method " + r.method;
    return std::nullopt;
  }
  if (!path.starts_with("/")) {
    error = "the path must start with /";
    return std::nullopt;
  }
  r.segments = split_path(path);
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    if (is_greedy(r.segments[i]) && i + 1 != r.segments.size()) {
      error = "a greedy {name+} variable must be the last segment";
      return std::nullopt;
    }
  }
  return r;
}

std::optional<RouteMatch> RouteTable::match(const std::string& method, const std::string& path) const {
  const std::vector<std::string> parts = split_path(path);
  std::optional<RouteMatch> best;
  // Higher is more specific: (no greedy variable, literal segments, named method).
  std::tuple<int, int, int> best_rank{-1, -1, -1};
  const Route* fallback = nullptr;
  for (const auto& route : routes_) {
    if (route.method.empty()) {
      fallback = &route;
      continue;
    }
    if (route.method != "ANY" && route.method != method) continue;
    RouteMatch m{&route, {}};
    int literals = 0;
    bool greedy = false, ok = true;
    std::size_t i = 0;
    for (; i < route.segments.size() && ok; ++i) {
      const std::string& seg = route.segments[i];
      if (is_greedy(seg)) {
        if (i >= parts.size()) {
          ok = false;
          break;
        }
        std::string rest;
        for (std::size_t k = i; k < parts.size(); ++k) rest += (k > i ? "/" : "") + parts[k];
        m.path_parameters[seg.substr(1, seg.size() - 3)] = rest;
        greedy = true;
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        ok = false;
      } else if (is_variable(seg)) {
        m.path_parameters[seg.substr(1, seg.size() - 2)] = parts[i];
      } else if (seg != parts[i]) {
        ok = false;
      } else {
        ++literals;
      }
    }
    if (!ok || (!greedy && (i != parts.size() || route.segments.size() != parts.size()))) continue;
    std::tuple<int, int, int> rank{greedy ? 0 : 1, literals, route.method == "ANY" ? 0 : 1};
    if (rank > best_rank) {
      best_rank = rank;
      best = std::move(m);
    }
  }
  if (!best && fallback) best = RouteMatch{fallback, {}};
  return best;
}

}  // namespace bf
