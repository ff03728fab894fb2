// The running configuration as the console draws it, from what the server holds now (so a
// function or notification made through the APIs appears too): the tiers as nodes (clients,
// HTTP API routes, functions, buckets, Object Lambda access points) and what connects them as
// edges: a route to its function, a bucket's notifications to functions, a function's
// destinations, the buckets a function's environment names (what it reads and writes), an
// Object Lambda access point's transformations and bucket, and a Batch Operations job's
// manifest, the function it invokes or the bucket it writes, and its report.
// GET /_bucketfire/architecture.
#pragma once
#include <vector>

#include "emulator/api/route_table.h"
#include "emulator/batch/job.h"
#include "emulator/lambda/function.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/bucket_view.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "sdk/json.h"

namespace bf {

struct ArchitectureSources {
  const std::vector<Route>& routes;
  std::vector<FunctionConfig> functions;
  std::vector<BucketRecord> buckets;
  BucketViews& views;
  std::vector<AccessPoint> access_points;
  std::vector<ObjectLambdaAccessPoint> object_lambda_access_points;
  std::vector<Job> batch_jobs;  // the newest few are drawn
};

// {"nodes": [{"id", "kind", "label", ...}], "edges": [{"from", "to", "kind", ...}]}; ids are
// "client", "route:GET /x", "function:name", "bucket:name", "object-lambda:name", "batch-job:id".
Json architecture_of(const ArchitectureSources& sources);

}  // namespace bf
