// `bucketfire serve`: the S3 + Lambda server, until SIGINT/SIGTERM.
#include <cstdio>

#include "emulator/app/emulator.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/http/server.h"

namespace bf::cli {

namespace {

int serve(const ServeOptions& options, const HandlerSet& handlers) {
  // test/test is published in every guide to local AWS tools: beyond loopback it would let
  // anyone who can reach the port create functions, that is, run code on this machine.
  if (!is_loopback_address(options.bind_address) && options.access_key == "test" &&
      options.secret_key == "test") {
    std::fprintf(stderr,
                 "bucketfire: refusing to listen on %s with the published credentials test/test: "
                 "anyone who reaches the port could run code here. Pass --access-key KEY "
                 "--secret-key SECRET (a --credentials file adds principals but keeps the default "
                 "one), or bind 127.0.0.1.\n",
                 options.bind_address.c_str());
    return 2;
  }
  Emulator emulator(options, handlers, stdout);
  if (Status s = emulator.open(); !s) {
    std::fprintf(stderr, "bucketfire: %s\n", s.message().c_str());
    return 2;
  }
  auto port = emulator.listen();
  if (!port) {
    std::fprintf(stderr, "bucketfire: %s\n", port.error().message().c_str());
    return 1;
  }
  std::fprintf(stdout, "bucketfire listening on http://%s:%u\n", options.bind_address.c_str(), *port);
  std::fflush(stdout);
  emulator.serve();
  std::fprintf(stdout, "bucketfire stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace

int serve_command(int argc, char** argv, const HandlerSet& handlers) {
  ServeOptions options;
  bool no_access_log = false;
  int rc = parse_flags(
      argc, argv, 2,
      [&](std::string_view flag, const std::string& value) {
        return apply_serve_option(flag, value, options);
      },
      {{"--no-access-log", &no_access_log}, {"--free-tier", &options.free_tier}});
  if (rc >= 0) return rc;
  options.access_log = !no_access_log;
  return serve(options, handlers);
}

}  // namespace bf::cli
