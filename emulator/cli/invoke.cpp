// `bucketfire invoke NAME`: one function run once without a server (like `sam local invoke`):
// the response on standard output, the logs on standard error; exit 1 on a function error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "emulator/app/emulator.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invoker.h"
#include "sdk/json.h"
#include "sdk/uuid.h"

namespace bf::cli {

namespace {

struct InvokeOptions {
  ServeOptions serve;           // data dir, region, credentials, pipeline file
  std::string function;         // a function of the pipeline file, or a handler name
  std::string event_file;       // "-" for standard input; empty for {}
  std::string endpoint;         // "host:port" of a running emulator for the handler's S3 calls
};

int invoke_once(const InvokeOptions& options, const HandlerSet& handlers) {
  Emulator emulator(options.serve, handlers, stderr);
  if (Status s = emulator.open(); !s) {
    const std::string& err = s.message();
    std::fprintf(stderr, "bucketfire: %s\n", err.c_str());
    if (err.find("in use") != std::string::npos)
      std::fprintf(stderr, "bucketfire: a server owns that data directory; pass --endpoint "
                           "127.0.0.1:4566 to use it, or --data-dir :memory:\n");
    return 2;
  }
  if (!options.endpoint.empty()) {
    auto colon = options.endpoint.rfind(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "bucketfire: --endpoint must be host:port\n");
      return 2;
    }
    emulator.use_endpoint_for_handlers(options.endpoint.substr(0, colon), options.endpoint.substr(colon + 1));
  }
  std::string payload = "{}";
  if (!options.event_file.empty()) {
    std::stringstream text;
    if (options.event_file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(options.event_file);
      if (!in) {
        std::fprintf(stderr, "bucketfire: cannot read %s\n", options.event_file.c_str());
        return 2;
      }
      text << in.rdbuf();
    }
    payload = text.str();
    if (Json::parse(payload, nullptr, false).is_discarded()) {
      std::fprintf(stderr, "bucketfire: %s is not valid JSON\n", options.event_file.c_str());
      return 2;
    }
  }
  auto fn = emulator.registry().find(options.function);
  if (!fn) {
    // Not declared in a pipeline file: run the handler of that name with default settings.
    // It is not added to the registry, which would keep it in the data directory.
    if (!emulator.registry().handlers().count(options.function)) {
      std::fprintf(stderr, "bucketfire: no function or handler named %s (unknown handler \"%s\")\n",
                   options.function.c_str(), options.function.c_str());
      return 2;
    }
    FunctionConfig adhoc;
    adhoc.name = options.function;
    adhoc.handler = options.function;
    adhoc.last_modified_ms = emulator.clock().now_ms();
    fn = adhoc;
  }
  InvokeResult result = emulator.invoker().run(invocation_of(*fn, payload, new_uuid(), "cli"));
  std::fprintf(stdout, "%s\n", result.payload.c_str());
  std::fflush(stdout);
  return result.outcome == Outcome::Success ? 0 : 1;
}

}  // namespace

int invoke_command(int argc, char** argv, const HandlerSet& handlers) {
  if (argc < 3 || argv[2][0] == '-') return usage_error("invoke needs a function name");
  InvokeOptions options;
  options.function = argv[2];
  int rc = parse_flags(argc, argv, 3, [&](std::string_view flag, const std::string& value) {
    if (flag == "--event") options.event_file = value;
    else if (flag == "--endpoint") options.endpoint = value;
    else return apply_serve_option(flag, value, options.serve);
    return true;
  });
  if (rc >= 0) return rc;
  return invoke_once(options, handlers);
}

}  // namespace bf::cli
