#include "emulator/lambda/invocation_log.h"

#include <algorithm>
#include <cstdio>

namespace bf {

std::optional<InvocationRecord> InvocationLog::find(const std::string& request_id) const {
  std::lock_guard lock(mu_);
  for (auto it = records_.rbegin(); it != records_.rend(); ++it)
    if (it->request_id == request_id) return *it;
  return std::nullopt;
}

void InvocationLog::add(InvocationRecord record) {
  for (std::string* kept : {&record.event, &record.response})
    if (kept->size() > kMaxKeptPayload) {
      kept->resize(kMaxKeptPayload);
      *kept += "…";
    }
  if (listener_) listener_(record);
  std::lock_guard lock(mu_);
  ++added_;
  records_.push_back(std::move(record));
  if (records_.size() > kMaxRecords) records_.pop_front();
}

std::vector<InvocationRecord> InvocationLog::recent(const std::string& function,
                                                    std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<InvocationRecord> out;
  for (auto it = records_.rbegin(); it != records_.rend() && out.size() < limit; ++it)
    if (function.empty() || it->function == function) out.push_back(*it);
  return out;
}

std::vector<InvocationRecord> InvocationLog::added_after(std::uint64_t after, std::size_t limit,
                                                       std::uint64_t& last) const {
  std::lock_guard lock(mu_);
  last = added_;
  const std::uint64_t available = std::min<std::uint64_t>(added_ - std::min(after, added_), records_.size());
  const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(available, limit));
  return {records_.end() - static_cast<std::ptrdiff_t>(count), records_.end()};
}

void InvocationLog::write_line(const std::string& function, std::string_view line) {
  if (line_listener_) line_listener_(function, line);
  std::lock_guard lock(mu_);
  FunctionLog& log = logs_[function];
  log.lines.emplace_back(line);
  log.bytes += line.size() + 1;
  // Keep the newest lines.
  while (log.bytes > kMaxLogBytes && log.lines.size() > 1) {
    log.bytes -= log.lines.front().size() + 1;
    log.lines.pop_front();
  }
  if (console_) {
    std::fprintf(console_, "[%s] %.*s\n", function.c_str(), static_cast<int>(line.size()), line.data());
    std::fflush(console_);
  }
}

std::string InvocationLog::function_log(const std::string& function) const {
  std::lock_guard lock(mu_);
  auto it = logs_.find(function);
  if (it == logs_.end()) return "";
  std::string out;
  out.reserve(it->second.bytes);
  for (const auto& line : it->second.lines) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace bf
