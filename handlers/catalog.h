// Every in-process handler this build of the emulator can run, by handler name.
#pragma once
#include <map>
#include <string>

#include "sdk/context.h"

namespace bf {

std::map<std::string, Handler> builtin_handlers();

}  // namespace bf
