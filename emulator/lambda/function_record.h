// A function's configuration as the store keeps it, so functions made or changed through the
// Lambda API survive a restart. The format is this file's own; nothing outside reads it.
#pragma once
#include <optional>
#include <string>

#include "emulator/lambda/function.h"

namespace bf {

std::string function_record(const FunctionConfig& fn);
// Nothing when the text is not a record this version can read.
std::optional<FunctionConfig> parse_function_record(const std::string& text);

}  // namespace bf
