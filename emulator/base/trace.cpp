#include "emulator/base/trace.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace bf {

namespace {

std::string hex(std::uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = kHex[v & 15];
  return s;
}

std::uint64_t random64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace

TraceHeader TraceHeader::parse(std::string_view header) {
  TraceHeader out;
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view field = header.substr(0, semi);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    const auto eq = field.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view name = field.substr(0, eq), value = field.substr(eq + 1);
      if (name == "Root") out.root = value;
      else if (name == "Parent") out.parent = value;
      else if (name == "Sampled") out.sampled = value;
      else if (name == "Lineage") out.lineage = value;
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return out;
}

std::string TraceHeader::format() const {
  std::string out = "Root=" + root;
  if (!parent.empty()) out += ";Parent=" + parent;
  out += ";Sampled=" + (sampled.empty() ? std::string("1") : sampled);
  if (!lineage.empty()) out += ";Lineage=" + lineage;
  return out;
}

std::string new_trace_root() {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return "1-" + hex(static_cast<std::uint64_t>(seconds), 8) + "-" + hex(random64(), 8) + hex(random64(), 16);
}

std::string new_segment_id() { return hex(random64(), 16); }

Json TraceSegment::document(const std::string& region, const std::string& account_id) const {
  Json d{{"trace_id", trace_id}, {"id", id}};
  if (!parent_id.empty()) d["parent_id"] = parent_id;
  d["name"] = name;
  d["origin"] = origin;
  d["start_time"] = start_time;
  d["end_time"] = end_time;
  if (!method.empty())
    d["http"] = Json{{"request", {{"method", method}, {"url", url}}}, {"response", {{"status", status}}}};
  if (origin == "AWS::Lambda::Function") {
    d["aws"] = Json{{"function_arn", "arn:aws:lambda:" + region + ":" + account_id + ":function:" + name},
                    {"request_id", request_id},
                    {"resource_names", Json::array({name})}};
    d["annotations"] = Json{{"trigger", trigger}, {"attempt", attempt}, {"outcome", outcome}};
  } else {
    d["aws"] = Json{{"operation", operation}, {"request_id", request_id}, {"region", region}, {"account_id", account_id}};
  }
  if (error) d["error"] = true;
  if (fault) d["fault"] = true;
  if (!error_type.empty() || !error_message.empty())
    d["cause"] = Json{{"exceptions", Json::array({Json{{"type", error_type}, {"message", error_message}}})}};
  return d;
}

void TraceStore::add(TraceSegment segment) {
  if (segment.trace_id.empty()) return;
  std::lock_guard lock(mu_);
  auto [it, added] = by_trace_.try_emplace(segment.trace_id);
  if (added) {
    order_.push_back(segment.trace_id);
    while (order_.size() > max_traces_) {
      by_trace_.erase(order_.front());
      order_.pop_front();
    }
  }
  it->second.push_back(std::move(segment));
}

std::vector<Json> TraceStore::segments(const std::string& trace_id) const {
  std::lock_guard lock(mu_);
  std::vector<Json> out;
  if (auto it = by_trace_.find(trace_id); it != by_trace_.end())
    for (const auto& segment : it->second) out.push_back(segment.document(region_, account_id_));
  return out;
}

std::vector<TraceStore::Summary> TraceStore::recent(std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<Summary> out;
  for (auto it = order_.rbegin(); it != order_.rend() && out.size() < limit; ++it) {
    const auto& segments = by_trace_.at(*it);
    Summary s;
    s.id = *it;
    s.segments = segments.size();
    s.start = 1e300;
    for (const TraceSegment& seg : segments) {
      s.start = std::min(s.start, seg.start_time);
      s.end = std::max(s.end, seg.end_time);
      s.error = s.error || seg.error;
      s.fault = s.fault || seg.fault;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace bf
