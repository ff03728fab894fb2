#include "emulator/cli/flags.h"

#include <stdexcept>

#include "sdk/text.h"

namespace bf::cli {

const char* const kUsage = R"(usage: bucketfire <command> [options]

commands:
  serve              run the S3 + Lambda server
  invoke NAME        run one function once, without a server (like `sam local invoke`)
  events s3          print a sample S3 event
  export sam         write a pipeline file as an AWS SAM template (JSON)
  token              print a token for the pipeline's JWT authorizer (HS256 secret)
  cost               what the usage so far would cost on AWS, from a running server
  logs FUNCTION      a function's log from a running server (--follow for new lines)
  top                a running server's live counters in the terminal
  --help             show this help
  --version          show the version

serve options:
  --port N              port to listen on (default 4566; 0 picks a free one)
  --bind ADDR           address to bind (default 127.0.0.1)
  --data-dir DIR        where buckets and objects live (default ./.bucketfire);
                        ':memory:' keeps nothing after exit
  --access-key KEY      access key of the default principal (default test)
  --secret-key SECRET   its secret key (default test)
  --credentials FILE    more principals, from an AWS shared-credentials file
  --region REGION       the region this endpoint answers for (default us-east-1)
  --threads N           server threads (default: four per core, at least eight)
  --send-timeout S      close a connection whose response makes no progress for S seconds
                        (a client that stopped reading; default 60)
  --no-access-log       do not print a line per request
  --config FILE         a pipeline file: functions, buckets, notifications (docs/pipeline.md)
  --time-scale X        multiply AWS's async retry delays and event-age limits by X,
                        above 0 (default 1 = real time; 0.001 turns a minute into 60 ms)
  --handler-s3 MODE     how handlers reach S3: inprocess (default) or http (SigV4 over
                        loopback)
  --api-port N          also serve the HTTP API routes at the root of this port (0: a free
                        one; its line is printed as "bucketfire HTTP API on http://...")
  --clock MODE          real (default) or virtual: time then moves only with
                        POST /_bucketfire/clock?advance=30s
  --prices FILE         the price table the cost report uses (default: the built-in
                        list prices, fixtures/prices/; docs/cost.md)
  --free-tier           take AWS's monthly free tier off in the cost report
  --batch-concurrency N Batch Operations tasks in flight at once (1 to 1024, default 64;
                        a function's reserved concurrency lowers it for its jobs)
  --log-retention-days N  functions' logs are kept N days of the server's clock (1 to 3653,
                        default 7) unless their group has a retention policy
  --bucket-defaults D   2023 (default): new buckets block public access and disable ACLs, as
                        on AWS since April 2023; legacy: neither, as before (for test suites
                        and tools written against the old defaults)

invoke options (plus --config, --data-dir, --region, --access-key, --secret-key):
  --event FILE          the event JSON ('-' reads standard input; default {})
  --endpoint HOST:PORT  send the handler's S3 calls to a running emulator
  The response goes to standard output, the function's log to standard error; the exit
  status is 1 when the function fails.

export sam options:
  --config FILE         the pipeline file (required)
  --out FILE            where to write the template (default: standard output)
  --packages DIR        where the function packages are (default build/packages)

token options:
  --config FILE         the pipeline file (required)
  --authorizer NAME     which JWT authorizer (default: the one with a "secret")
  --subject SUB         the "sub" claim (default demo)
  --scope "A B"         the "scope" claim, for routes that require scopes
  --expires-in SECONDS  lifetime (default 3600)

cost options:
  --endpoint URL        the server (default http://127.0.0.1:4566)
  --by WHAT             usage (default: each usage type, operation and resource),
                        bucket or function
  --csv                 CSV for a spreadsheet instead of the table
  --from DATE --to DATE the period (2026-01-31 or 2026-01-31T12:00:00Z; default: all)
  --scale N             project: every measured quantity × N (labelled an estimate)
  --free-tier           take AWS's monthly free tier off (default: the server's setting)

logs options:
  --endpoint URL        the server (default http://127.0.0.1:4566)
  --follow              keep printing new lines as they come
  --since DURATION      only lines of the last 90s, 10m, 2h or 1d of the server's clock
  --filter PATTERN      a CloudWatch Logs filter pattern: ERROR, "a phrase", ?A ?B, { $.level = "error" }

top options:
  --endpoint URL        the server (default http://127.0.0.1:4566)
  --interval SECONDS    how often the view is redrawn (default 2)
  --once                print one view and stop (no rates)

events s3 options:
  --bucket B --key K    the object (defaults example-bucket, example/key.txt)
  --event-name NAME     e.g. ObjectCreated:Put (default), ObjectRemoved:Delete
  --size N --etag E --region R
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bucketfire: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

bool apply_serve_option(std::string_view flag, const std::string& value, ServeOptions& options) {
  if (flag == "--port") {
    int port = std::stoi(value);
    if (port < 0 || port > 65535) throw std::invalid_argument("--port must be 0..65535");
    options.port = static_cast<std::uint16_t>(port);
  } else if (flag == "--bind") {
    options.bind_address = value;
  } else if (flag == "--data-dir") {
    options.data_dir = value;
  } else if (flag == "--access-key") {
    options.access_key = value;
  } else if (flag == "--secret-key") {
    options.secret_key = value;
  } else if (flag == "--credentials") {
    options.credentials_file = value;
  } else if (flag == "--region") {
    options.region = value;
  } else if (flag == "--threads") {
    options.threads = std::stoi(value);
  } else if (flag == "--send-timeout") {
    options.send_timeout_s = std::stoi(value);
    if (options.send_timeout_s < 1 || options.send_timeout_s > 3600)
      throw std::invalid_argument("--send-timeout is 1 to 3600 seconds");
  } else if (flag == "--config") {
    options.config_file = value;
  } else if (flag == "--time-scale") {
    options.time_scale = std::stod(value);
    if (!(options.time_scale > 0) || options.time_scale > 1000)
      throw std::invalid_argument("--time-scale must be above 0 (and at most 1000)");
  } else if (flag == "--handler-s3") {
    if (value != "inprocess" && value != "http") throw std::invalid_argument("--handler-s3 is inprocess or http");
    options.handler_s3_http = value == "http";
  } else if (flag == "--api-port") {
    options.api_port = std::stoi(value);
    if (options.api_port < 0 || options.api_port > 65535) throw std::invalid_argument("--api-port must be 0..65535");
  } else if (flag == "--prices") {
    options.prices_file = value;
  } else if (flag == "--batch-concurrency") {
    const auto n = parse_decimal(value, 1024);
    if (!n || *n == 0) throw std::invalid_argument("--batch-concurrency is 1 to 1024");
    options.batch_concurrency = static_cast<int>(*n);
  } else if (flag == "--log-retention-days") {
    const auto n = parse_decimal(value, 3653);
    if (!n || *n == 0) throw std::invalid_argument("--log-retention-days is 1 to 3653");
    options.log_retention_days = static_cast<int>(*n);
  } else if (flag == "--bucket-defaults") {
    if (value != "2023" && value != "legacy") throw std::invalid_argument("--bucket-defaults is 2023 or legacy");
    options.legacy_bucket_defaults = value == "legacy";
  } else if (flag == "--clock") {
    if (value != "real" && value != "virtual") throw std::invalid_argument("--clock is real or virtual");
    options.virtual_clock = value == "virtual";
  } else {
    return false;
  }
  return true;
}

}  // namespace bf::cli
