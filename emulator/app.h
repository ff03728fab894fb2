// The composition root: builds the clock, store, credentials, functions, services, event
// dispatcher and HTTP server, and runs them.
#pragma once
#include <cstdint>
#include <string>

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
};

// Runs until SIGINT/SIGTERM; returns the process exit code.
int serve(const ServeOptions& options);

struct InvokeOptions {
  ServeOptions serve;           // data dir, region, credentials, pipeline file
  std::string function;         // a function of the pipeline file, or a handler name
  std::string event_file;       // "-" for standard input; empty for {}
  std::string endpoint;         // "host:port" of a running emulator for the handler's S3 calls
};

// Runs one function once without a server (like `sam local invoke`): the response on
// standard output, the logs on standard error. Returns 0, or 1 on a function error.
int invoke_once(const InvokeOptions& options);

// Prints a sample S3 event (`bucketfire events s3`).
struct SampleEventOptions {
  std::string bucket = "example-bucket";
  std::string key = "example/key.txt";
  std::string event_name = "ObjectCreated:Put";
  std::string region = "us-east-1";
  std::uint64_t size = 1024;
  std::string etag = "0123456789abcdef0123456789abcdef";
};
int print_sample_s3_event(const SampleEventOptions& options);

struct ExportOptions {
  std::string config_file;
  std::string out_file;  // "" for standard output
  std::string packages_dir = "build/packages";
};
// Writes the pipeline file as a SAM template (`bucketfire export sam`).
int export_sam(const ExportOptions& options);

struct TokenOptions {
  std::string config_file;
  std::string authorizer;     // "" picks the pipeline's one JWT authorizer with a secret
  std::string subject = "demo";
  std::string scope;          // space-separated, for routes that ask for scopes
  long expires_in = 3600;     // seconds
};
// Prints a token that the pipeline's HS256 JWT authorizer accepts (`bucketfire token`).
int print_token(const TokenOptions& options);

}  // namespace bf
