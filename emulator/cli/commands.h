// The commands of the `bucketfire` binary, one file each: each reads its flags (argv[2] on)
// and returns the process's exit status. main() hands in the handlers this build can run.
#pragma once
#include "emulator/app/options.h"

namespace bf::cli {

int serve_command(int argc, char** argv, const HandlerSet& handlers);
int invoke_command(int argc, char** argv, const HandlerSet& handlers);
int events_command(int argc, char** argv);
int export_command(int argc, char** argv, const HandlerSet& handlers);
int token_command(int argc, char** argv, const HandlerSet& handlers);
int cost_command(int argc, char** argv);
int logs_command(int argc, char** argv);
int top_command(int argc, char** argv);

}  // namespace bf::cli
