// How an emulator is configured: the `serve` flags (and `invoke`'s, which share them).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "emulator/lambda/function_registry.h"

namespace bf {

struct ServeOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 4566;
  std::string data_dir = "./.bucketfire";
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string credentials_file;
  std::string region = "us-east-1";
  int threads = 0;
  int send_timeout_s = 60;       // a response write that makes no progress for this long ends it
  bool access_log = true;
  std::string config_file;      // pipeline.json
  double time_scale = 1.0;      // scales AWS's async delays and event-age limits
  bool handler_s3_http = false;  // handlers reach S3 over loopback HTTP instead of in-process
  bool virtual_clock = false;    // time moves only by POST /_bucketfire/clock?advance=...
  int api_port = -1;             // HTTP API routes also at the root of this port (-1: no)
  std::string prices_file;       // a price table for the cost report (default: the built-in one)
  bool free_tier = false;        // the cost report takes AWS's monthly free tier off
  int batch_concurrency = 64;    // Batch Operations tasks in flight at once, across the running job
  int log_retention_days = 7;    // functions' logs kept this long (of the server's clock) without a policy
  // New buckets as before April 2023 (no public access blocks, ACLs on), for suites and
  // tools written against those defaults.
  bool legacy_bucket_defaults = false;
};

// The in-process handlers this build can run, handed in by main(): the emulator's core knows
// handlers only by name, so it links none of their libraries (libvips for the pipeline's).
struct HandlerSet {
  HandlerCatalog catalog;
  // The package (build/packages/<name>.zip) whose bootstrap serves a handler on AWS.
  std::function<std::string(const std::string& handler)> package_for;

  std::vector<std::string> names() const;
};

}  // namespace bf
