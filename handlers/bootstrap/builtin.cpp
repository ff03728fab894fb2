// Every built-in handler in one Lambda bootstrap: the function's Handler setting (_HANDLER)
// picks which, so one package serves all of them (`bucketfire export sam` points there).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "handlers/catalog.h"
#include "sdk/runtime.h"

int main() {
  const char* name = std::getenv("_HANDLER");
  auto handlers = bf::builtin_handlers();
  auto it = handlers.find(name ? name : "");
  if (it == handlers.end()) {
    std::string known;
    for (const auto& [key, handler] : handlers) known += (known.empty() ? "" : ", ") + key;
    // Reported to Lambda as an init error by serve(), and printed for the log.
    return bf::serve({}, [&] {
      throw bf::FunctionError("Runtime.HandlerNotFound",
                              "no built-in handler \"" + std::string(name ? name : "") + "\" (known: " + known + ")");
    });
  }
  return bf::serve(it->second);
}
