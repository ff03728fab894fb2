// How many times each function has run in one chain of events, carried from an invocation to
// the events its writes cause (through the X-Amzn-Trace-Id header, as Lambda does), so a loop
// can be stopped.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace bf {

inline constexpr int kMaxRecursiveInvocations = 16;

class Lineage {
 public:
  // Reads the "Lineage=" field of a trace header; empty when absent or malformed.
  static Lineage from_trace_header(std::string_view header);
  static Lineage from_field(std::string_view field);  // "a87bdbe8:3|0f1e2d3c:1"

  int count(const std::string& function) const;
  Lineage with_invocation_of(const std::string& function) const;
  std::string field() const;  // "" when empty
  bool empty() const { return counts_.empty(); }

 private:
  static std::string function_hash(const std::string& function);
  std::map<std::string, int> counts_;  // by the first 8 hex digits of sha256(function name)
};

// The trace header of an invocation: Root (`root`, the trace it continues, or a new one), Parent
// (a new segment id: the invocation's own segment), Sampled and the lineage.
std::string new_trace_header(const Lineage& lineage, const std::string& root = "");

}  // namespace bf
