// `bucketfire events s3`: a sample S3 event, as AWS would send it.
#include <cstdio>

#include "emulator/base/clock.h"
#include "emulator/base/time.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/owner.h"
#include "sdk/s3_event.h"

namespace bf::cli {

namespace {

struct SampleEventOptions {
  std::string bucket = "example-bucket";
  std::string key = "example/key.txt";
  std::string event_name = "ObjectCreated:Put";
  std::string region = "us-east-1";
  std::uint64_t size = 1024;
  std::string etag = "0123456789abcdef0123456789abcdef";
};

int print_sample_s3_event(const SampleEventOptions& o) {
  S3EventRecord r;
  r.aws_region = o.region;
  r.event_time = iso8601_ms(SystemClock().now_ms());
  r.event_name = o.event_name;
  r.principal_id = "AWS:test";
  r.source_ip = "127.0.0.1";
  r.request_id = "C3D13FE58DE4C810";
  r.host_id = "C3D13FE58DE4C810";
  r.configuration_id = "sample";
  r.bucket_name = o.bucket;
  r.bucket_owner = canonical_user_id("default");
  r.bucket_arn = bucket_arn(o.bucket);
  r.key = o.key;
  if (o.event_name.starts_with("ObjectCreated:")) {
    r.size = o.size;
    r.etag = o.etag;
  }
  r.sequencer = "0055AED6DCD90281E5";
  std::fprintf(stdout, "%s\n", to_text(S3Event{{r}}.to_json(), 2).c_str());
  return 0;
}

}  // namespace

int events_command(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[2]) != "s3") return usage_error("events supports: s3");
  SampleEventOptions options;
  int rc = parse_flags(argc, argv, 3, [&](std::string_view flag, const std::string& value) {
    if (flag == "--bucket") options.bucket = value;
    else if (flag == "--key") options.key = value;
    else if (flag == "--event-name") options.event_name = value.starts_with("s3:") ? value.substr(3) : value;
    else if (flag == "--region") options.region = value;
    else if (flag == "--size") options.size = std::stoull(value);
    else if (flag == "--etag") options.etag = value;
    else return false;
    return true;
  });
  if (rc >= 0) return rc;
  return print_sample_s3_event(options);
}

}  // namespace bf::cli
