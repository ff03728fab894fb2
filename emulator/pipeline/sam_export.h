// `bucketfire export sam`: the pipeline file as an AWS SAM template (JSON), for deploying the
// same handlers to AWS Lambda and S3: buckets, functions with their packages, S3 event
// sources with their filters, async settings, destinations, concurrency and recursion.
#pragma once
#include <functional>
#include <string>

#include "emulator/pipeline/pipeline_config.h"
#include "sdk/json.h"

namespace bf {

struct SamOptions {
  std::string packages_dir = "build/packages";  // where <name>.zip packages are
  // The package (<packages_dir>/<name>.zip) whose bootstrap serves an in-process handler.
  std::function<std::string(const std::string& handler)> package_for_handler;
};

Json sam_template(const PipelineConfig& pipeline, const SamOptions& options);

}  // namespace bf
