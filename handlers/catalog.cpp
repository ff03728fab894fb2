#include "handlers/catalog.h"

#include "handlers/pipeline/handlers.h"
#include "handlers/samples/samples.h"

namespace bf {

std::map<std::string, Handler> builtin_handlers() {
  auto all = samples::handlers();
  all.merge(pipeline::handlers());
  return all;
}

std::string package_for_handler(const std::string& handler) {
  return pipeline::handlers().contains(handler) ? "pipeline" : "builtin";
}

}  // namespace bf
