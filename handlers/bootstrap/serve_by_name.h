// A bootstrap serving one of several handlers, chosen by the function's Handler setting.
#pragma once
#include <cstdlib>
#include <map>
#include <string>

#include "sdk/runtime.h"

namespace bf {

inline int serve_by_name(const std::map<std::string, Handler>& handlers, const std::string& package) {
  const char* name = std::getenv("_HANDLER");
  auto it = handlers.find(name ? name : "");
  if (it == handlers.end()) {
    std::string known;
    for (const auto& [key, handler] : handlers) known += (known.empty() ? "" : ", ") + key;
    // Reported to Lambda as an init error by serve(), and printed for the log.
    return serve({}, [&] {
      throw FunctionError("Runtime.HandlerNotFound", "no " + package + " handler \"" +
                                                         std::string(name ? name : "") + "\" (known: " + known + ")");
    });
  }
  return serve(it->second);
}

}  // namespace bf
