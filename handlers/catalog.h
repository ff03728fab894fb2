// Every in-process handler this build of the emulator can run, by handler name, and the
// package (build/packages/<name>.zip) whose bootstrap serves it on AWS.
#pragma once
#include <map>
#include <string>

#include "sdk/context.h"

namespace bf {

std::map<std::string, Handler> builtin_handlers();

// "pipeline" for the reference pipeline's handlers, "builtin" for the samples.
std::string package_for_handler(const std::string& handler);

}  // namespace bf
