#include "emulator/app/architecture.h"

#include <algorithm>
#include <set>

#include "emulator/lambda/arn.h"
#include "emulator/s3/bucket_name.h"

namespace bf {

namespace {

std::string function_id(const std::string& name) { return "function:" + name; }
std::string bucket_id(const std::string& name) { return "bucket:" + name; }

// The function a destination or notification ARN names, when it is one of `functions`.
std::string function_named(const std::string& arn, const std::set<std::string>& functions) {
  const auto ref = parse_function_ref(arn);
  return ref && functions.count(ref->name) ? ref->name : "";
}

// Jobs beyond these many (the newest are kept) would crowd the diagram out.
constexpr std::size_t kMostJobs = 8;

// The bucket an S3 ARN names when the server has it.
std::string bucket_named(const std::string& arn, const std::set<std::string>& buckets) {
  const auto parts = parse_s3_arn(arn);
  return parts && buckets.count(parts->bucket) ? parts->bucket : "";
}

void add_batch_jobs(std::vector<Job> jobs, const std::set<std::string>& functions,
                    const std::set<std::string>& buckets, Json& nodes, Json& edges) {
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.creation_ms > b.creation_ms; });
  if (jobs.size() > kMostJobs) jobs.resize(kMostJobs);
  for (const Job& job : jobs) {
    const std::string id = "batch-job:" + job.id;
    const JobSpec& spec = job.spec;
    nodes.push_back(Json{{"id", id}, {"kind", "batch-job"}, {"label", spec.operation.name + " " + job.id.substr(0, 8)},
                         {"status", job.status}, {"total", job.total_tasks}, {"succeeded", job.succeeded},
                         {"failed", job.failed}});
    // Where its objects come from: the manifest's bucket, or the bucket the manifest is made of.
    const std::string source = bucket_named(spec.generator.present ? spec.generator.source_bucket_arn
                                                                   : spec.manifest.location.object_arn, buckets);
    if (!source.empty()) edges.push_back(Json{{"from", bucket_id(source)}, {"to", id}, {"kind", "manifest"}});
    const JobOperation& op = spec.operation;
    if (op.name == "LambdaInvoke") {
      const std::string target = function_named(op.lambda.function_arn, functions);
      if (!target.empty()) edges.push_back(Json{{"from", id}, {"to", function_id(target)}, {"kind", "batch-invoke"}});
    } else {
      // A copy writes its target bucket; tagging, restore and a copy over itself act on the
      // objects where they are (drawn when the job generated its manifest from that bucket).
      const std::string written = op.name == "S3PutObjectCopy" && !op.copy.target_bucket_arn.empty()
                                      ? bucket_named(op.copy.target_bucket_arn, buckets)
                                      : (spec.generator.present ? source : "");
      if (!written.empty()) edges.push_back(Json{{"from", id}, {"to", bucket_id(written)}, {"kind", "batch-write"}});
    }
    if (spec.report.enabled) {
      const std::string report = bucket_named(spec.report.bucket_arn, buckets);
      if (!report.empty()) edges.push_back(Json{{"from", id}, {"to", bucket_id(report)}, {"kind", "report"}});
    }
  }
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
  add_batch_jobs(s.batch_jobs, functions, buckets, nodes, edges);
  return Json{{"nodes", nodes}, {"edges", edges}};
}

}  // namespace bf
