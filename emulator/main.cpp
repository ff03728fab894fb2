// bucketfire: a local emulator of the AWS S3 + Lambda pipeline. Thin CLI over emulator/app.
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "emulator/app.h"

namespace {

constexpr const char* kUsage = R"(usage: bucketfire <command> [options]

commands:
  serve              run the S3 + Lambda server
  invoke NAME        run one function once, without a server (like `sam local invoke`)
  events s3          print a sample S3 event
  export sam         write a pipeline file as an AWS SAM template (JSON)
  token              print a token for the pipeline's JWT authorizer (HS256 secret)
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

events s3 options:
  --bucket B --key K    the object (defaults example-bucket, example/key.txt)
  --event-name NAME     e.g. ObjectCreated:Put (default), ObjectRemoved:Delete
  --size N --etag E --region R
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bucketfire: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

// Applies one option shared by serve and invoke; false when `flag` is not one of them.
bool apply_serve_option(std::string_view flag, const std::string& value, bf::ServeOptions& options) {
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
  } else if (flag == "--clock") {
    if (value != "real" && value != "virtual") throw std::invalid_argument("--clock is real or virtual");
    options.virtual_clock = value == "virtual";
  } else {
    return false;
  }
  return true;
}

// Walks "--flag value" pairs; `apply` returns false for an unknown flag.
template <typename Apply>
int parse_flags(int argc, char** argv, int first, Apply apply, const char* boolean_flag = nullptr,
                bool* boolean_value = nullptr) {
  for (int i = first; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (boolean_flag && flag == boolean_flag) {
      *boolean_value = true;
      continue;
    }
    // Both "--flag value" and "--flag=value".
    std::string value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = std::string(flag.substr(eq + 1));
      flag = flag.substr(0, eq);
    } else {
      if (i + 1 >= argc) return usage_error("missing value for " + std::string(flag));
      value = argv[++i];
    }
    try {
      if (!apply(flag, value)) return usage_error("unknown option " + std::string(flag));
    } catch (const std::exception& e) {
      return usage_error("bad value for " + std::string(flag) + ": " + value + " (" + e.what() + ")");
    }
  }
  return -1;
}

int run_serve(int argc, char** argv) {
  bf::ServeOptions options;
  bool no_access_log = false;
  int rc = parse_flags(
      argc, argv, 2,
      [&](std::string_view flag, const std::string& value) {
        return apply_serve_option(flag, value, options);
      },
      "--no-access-log", &no_access_log);
  if (rc >= 0) return rc;
  options.access_log = !no_access_log;
  return bf::serve(options);
}

int run_invoke(int argc, char** argv) {
  if (argc < 3 || argv[2][0] == '-') return usage_error("invoke needs a function name");
  bf::InvokeOptions options;
  options.function = argv[2];
  int rc = parse_flags(argc, argv, 3, [&](std::string_view flag, const std::string& value) {
    if (flag == "--event") options.event_file = value;
    else if (flag == "--endpoint") options.endpoint = value;
    else return apply_serve_option(flag, value, options.serve);
    return true;
  });
  if (rc >= 0) return rc;
  return bf::invoke_once(options);
}

int run_export(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[2]) != "sam") return usage_error("export supports: sam");
  bf::ExportOptions options;
  int rc = parse_flags(argc, argv, 3, [&](std::string_view flag, const std::string& value) {
    if (flag == "--config") options.config_file = value;
    else if (flag == "--out") options.out_file = value;
    else if (flag == "--packages") options.packages_dir = value;
    else return false;
    return true;
  });
  if (rc >= 0) return rc;
  if (options.config_file.empty()) return usage_error("export sam needs --config FILE");
  return bf::export_sam(options);
}

int run_token(int argc, char** argv) {
  bf::TokenOptions options;
  int rc = parse_flags(argc, argv, 2, [&](std::string_view flag, const std::string& value) {
    if (flag == "--config") options.config_file = value;
    else if (flag == "--authorizer") options.authorizer = value;
    else if (flag == "--subject") options.subject = value;
    else if (flag == "--scope") options.scope = value;
    else if (flag == "--expires-in") options.expires_in = std::stol(value);
    else return false;
    return true;
  });
  if (rc >= 0) return rc;
  if (options.config_file.empty()) return usage_error("token needs --config FILE");
  return bf::print_token(options);
}

int run_events(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[2]) != "s3") return usage_error("events supports: s3");
  bf::SampleEventOptions options;
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
  return bf::print_sample_s3_event(options);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing command");
  std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::printf("bucketfire %s\n", BUCKETFIRE_VERSION);
    return 0;
  }
  if (command == "serve") return run_serve(argc, argv);
  if (command == "invoke") return run_invoke(argc, argv);
  if (command == "events") return run_events(argc, argv);
  if (command == "export") return run_export(argc, argv);
  if (command == "token") return run_token(argc, argv);
  return usage_error("unknown command '" + std::string(command) + "'");
}
