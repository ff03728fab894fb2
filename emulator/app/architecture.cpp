#include "emulator/app/architecture.h"

#include <set>

#include "emulator/lambda/arn.h"

namespace bf {

namespace {

std::string function_id(const std::string& name) { return "function:" + name; }
std::string bucket_id(const std::string& name) { return "bucket:" + name; }

// The function a destination or notification ARN names, when it is one of `functions`.
std::string function_named(const std::string& arn, const std::set<std::string>& functions) {
  const auto ref = parse_function_ref(arn);
  return ref && functions.count(ref->name) ? ref->name : "";
}

}  // namespace

Json architecture_of(const ArchitectureSources& s) {
  Json nodes = Json::array(), edges = Json::array();
  std::set<std::string> functions, buckets;
  for (const auto& f : s.functions) functions.insert(f.name);
  for (const auto& b : s.buckets) buckets.insert(b.name);

  nodes.push_back(Json{{"id", "client"}, {"kind", "client"}, {"label", "clients"}});
  for (const Route& r : s.routes) {
    const std::string id = "route:" + r.route_key;
    Json node{{"id", id}, {"kind", "route"}, {"label", r.route_key}};
    if (!r.authorizer.empty()) node["authorizer"] = r.authorizer;
    nodes.push_back(std::move(node));
    edges.push_back(Json{{"from", "client"}, {"to", id}, {"kind", "request"}});
    if (functions.count(r.function)) edges.push_back(Json{{"from", id}, {"to", function_id(r.function)}, {"kind", "route"}});
  }
  for (const auto& f : s.functions) {
    const std::string runtime = f.external() ? (f.runtime.empty() ? "provided.al2023" : f.runtime) : "in-process";
    nodes.push_back(Json{{"id", function_id(f.name)}, {"kind", "function"}, {"label", f.name}, {"runtime", runtime},
                         {"description", f.description}});
    for (const auto& [condition, dest] : {std::pair{"OnSuccess", &f.async.on_success}, std::pair{"OnFailure", &f.async.on_failure}}) {
      if (dest->arn.empty()) continue;
      const std::string to = dest->is_bucket() ? (buckets.count(dest->bucket()) ? bucket_id(dest->bucket()) : "")
                                               : (function_named(dest->arn, functions).empty()
                                                      ? ""
                                                      : function_id(function_named(dest->arn, functions)));
      if (!to.empty()) edges.push_back(Json{{"from", function_id(f.name)}, {"to", to}, {"kind", "destination"},
                                            {"condition", condition}});
    }
    // The buckets its environment names: what it reads and writes (as the SAM export grants).
    std::set<std::string> named;
    for (const auto& [key, value] : f.environment)
      if (buckets.count(value) && named.insert(value).second)
        edges.push_back(Json{{"from", function_id(f.name)}, {"to", bucket_id(value)}, {"kind", "uses"},
                             {"variable", key}});
  }
  for (const auto& b : s.buckets) {
    nodes.push_back(Json{{"id", bucket_id(b.name)}, {"kind", "bucket"}, {"label", b.name}});
    edges.push_back(Json{{"from", "client"}, {"to", bucket_id(b.name)}, {"kind", "request"}});
    const auto view = s.views.find(b.name);
    if (!view || !view->notifications) continue;
    for (const FunctionNotification& n : view->notifications->functions) {
      const std::string target = function_named(n.function_arn, functions);
      if (target.empty()) continue;
      Json edge{{"from", bucket_id(b.name)}, {"to", function_id(target)}, {"kind", "notification"}, {"events", n.events}};
      if (!n.prefix.empty()) edge["prefix"] = n.prefix;
      if (!n.suffix.empty()) edge["suffix"] = n.suffix;
      edges.push_back(std::move(edge));
    }
  }
  for (const auto& o : s.object_lambda_access_points) {
    const std::string id = "object-lambda:" + o.name;
    nodes.push_back(Json{{"id", id}, {"kind", "object-lambda"}, {"label", o.name}, {"alias", o.alias}});
    edges.push_back(Json{{"from", "client"}, {"to", id}, {"kind", "request"}});
    const std::string& supporting = o.configuration.supporting_access_point;
    const std::string ap_name = supporting.substr(supporting.find('/') + 1);
    for (const auto& ap : s.access_points)
      if (ap.name == ap_name && buckets.count(ap.bucket))
        edges.push_back(Json{{"from", id}, {"to", bucket_id(ap.bucket)}, {"kind", "supporting-access-point"},
                             {"accessPoint", ap.name}});
    for (const auto& t : o.configuration.transformations) {
      const std::string target = function_named(t.function_arn, functions);
      if (!target.empty())
        edges.push_back(Json{{"from", id}, {"to", function_id(target)}, {"kind", "transformation"}, {"actions", t.actions}});
    }
  }
  return Json{{"nodes", nodes}, {"edges", edges}};
}

}  // namespace bf
