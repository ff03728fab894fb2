// HTTP API routes ("GET /images/{id}", "ANY /{proxy+}", "$default") and API Gateway's rule
// for choosing one: the most specific match wins.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/api/route_limits.h"

namespace bf {

struct Route {
  std::string route_key;  // as declared: "GET /images/{id}", "$default"
  std::string method;     // "GET", ..., or "ANY"; empty for $default
  std::vector<std::string> segments;  // "images", "{id}", "{proxy+}"
  std::string function;
  std::string authorizer;           // name of an authorizer, or empty
  std::vector<std::string> scopes;  // a JWT authorizer needs one of these, when given
  RouteLimits limits;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> path_parameters;
};

// Parses "METHOD /path" or "$default"; nullopt (with the reason) when malformed.
std::optional<Route> parse_route(const std::string& route_key, std::string& error);

class RouteTable {
 public:
  void add(Route route) { routes_.push_back(std::move(route)); }
  bool empty() const { return routes_.empty(); }
  // API Gateway's order: a path of literals before one with variables, variables before a
  // greedy {proxy+}, a named method before ANY, and $default last.
  std::optional<RouteMatch> match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace bf
