#include "emulator/lambda/lineage.h"

#include <algorithm>
#include <charconv>

#include "emulator/base/trace.h"
#include "sdk/hash.h"

namespace bf {

std::string Lineage::function_hash(const std::string& function) {
  return sha256_hex(function).substr(0, 8);
}

Lineage Lineage::from_trace_header(std::string_view header) {
  return from_field(TraceHeader::parse(header).lineage);
}

Lineage Lineage::from_field(std::string_view field) {
  Lineage out;
  while (!field.empty()) {
    auto comma = field.find('|');
    std::string_view item = field.substr(0, comma);
    auto colon = item.find(':');
    int count = 0;
    const bool hex_hash = colon == 8 && std::all_of(item.begin(), item.begin() + 8, [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (hex_hash) {
      std::string_view digits = item.substr(colon + 1);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || count < 0) return {};
      out.counts_[std::string(item.substr(0, 8))] = count;
    } else {
      return {};
    }
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return out;
}

int Lineage::count(const std::string& function) const {
  auto it = counts_.find(function_hash(function));
  return it == counts_.end() ? 0 : it->second;
}

Lineage Lineage::with_invocation_of(const std::string& function) const {
  Lineage out = *this;
  ++out.counts_[function_hash(function)];
  return out;
}

std::string Lineage::field() const {
  std::string out;
  for (const auto& [hash, count] : counts_)
    out += (out.empty() ? "" : "|") + hash + ":" + std::to_string(count);
  return out;
}

std::string new_trace_header(const Lineage& lineage, const std::string& root) {
  TraceHeader header;
  header.root = root.empty() ? new_trace_root() : root;
  header.parent = new_segment_id();
  header.sampled = "1";
  header.lineage = lineage.field();
  return header.format();
}

}  // namespace bf
