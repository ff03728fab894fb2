// The pipeline file (--config): any JSON document, checked against the built-in handlers'
// names. Errors are messages, never crashes.
#include <cstdint>
#include <cstdlib>

#include "emulator/pipeline/pipeline_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> handlers = {"request", "thumbnail", "metadata", "indexer",
                                                    "archiver", "echo"};
  bf::Json document = bf::Json::parse(data, data + size, nullptr, false);
  if (document.is_discarded()) return 0;
  auto parsed = bf::parse_pipeline(document, handlers, "us-east-1");
  if (auto* error = std::get_if<std::string>(&parsed); error && error->empty()) std::abort();
  return 0;
}
