// An X-Amzn-Trace-Id header as any client may send it: whatever it holds is read into its
// fields, and the header written back from them reads back to the same fields.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emulator/base/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bf::TraceHeader header = bf::TraceHeader::parse(input);
  for (const auto& field : {header.root, header.parent, header.sampled, header.lineage})
    if (field.find(';') != std::string::npos) return 0;  // a field with ';' cannot round-trip
  if (header.root.empty()) return 0;
  const bf::TraceHeader again = bf::TraceHeader::parse(header.format());
  if (again.root != header.root || again.parent != header.parent || again.lineage != header.lineage) std::abort();
  return 0;
}
