// bucketfire: a local emulator of the AWS S3 + Lambda pipeline. main() picks the command and
// hands it the handlers this build runs in-process (the only place the emulator meets them).
#include <cstdio>
#include <string>
#include <string_view>

#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "handlers/catalog.h"

int main(int argc, char** argv) {
  using namespace bf::cli;
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
  const bf::HandlerSet handlers{bf::builtin_handlers(), bf::package_for_handler};
  if (command == "serve") return serve_command(argc, argv, handlers);
  if (command == "invoke") return invoke_command(argc, argv, handlers);
  if (command == "events") return events_command(argc, argv);
  if (command == "export") return export_command(argc, argv, handlers);
  if (command == "token") return token_command(argc, argv, handlers);
  if (command == "cost") return cost_command(argc, argv);
  if (command == "logs") return logs_command(argc, argv);
  if (command == "top") return top_command(argc, argv);
  return usage_error("unknown command '" + std::string(command) + "'");
}
