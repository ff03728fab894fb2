#include "emulator/lambda/invocation_log.h"

#include <cstdio>

namespace bf {

void InvocationLog::add(InvocationRecord record) {
  if (listener_) listener_(record);
  std::lock_guard lock(mu_);
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
