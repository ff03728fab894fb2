// bucketfire: a local emulator of the AWS S3 + Lambda pipeline. Thin CLI over emulator/app.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "emulator/app.h"

namespace {

constexpr const char* kUsage = R"(usage: bucketfire <command> [options]

commands:
  serve      run the S3-compatible server
  --help     show this help
  --version  show the version

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
  --no-access-log       do not print a line per request
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bucketfire: %s\n\n%s", message.c_str(), kUsage);
  return 2;
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
  if (command != "serve") return usage_error("unknown command '" + std::string(command) + "'");

  bf::ServeOptions options;
  for (int i = 2; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (flag == "--no-access-log") {
      options.access_log = false;
      continue;
    }
    if (i + 1 >= argc) return usage_error("missing value for " + std::string(flag));
    std::string value = argv[++i];
    try {
      if (flag == "--port") {
        int port = std::stoi(value);
        if (port < 0 || port > 65535) return usage_error("--port must be 0..65535");
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
      } else {
        return usage_error("unknown option " + std::string(flag));
      }
    } catch (const std::exception&) {
      return usage_error("bad value for " + std::string(flag) + ": " + value);
    }
  }
  return bf::serve(options);
}
