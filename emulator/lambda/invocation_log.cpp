#include "emulator/lambda/invocation_log.h"

#include <cstdio>

namespace bf {

void InvocationLog::add(InvocationRecord record) {
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
  std::lock_guard lock(mu_);
  std::string& log = logs_[function];
  log.append(line);
  log += '\n';
  // Keep the newest part, cut at a line start.
  if (log.size() > kMaxLogBytes) {
    auto cut = log.find('\n', log.size() - kMaxLogBytes);
    log.erase(0, cut == std::string::npos ? log.size() : cut + 1);
  }
  if (console_) {
    std::fprintf(console_, "[%s] %.*s\n", function.c_str(), static_cast<int>(line.size()), line.data());
    std::fflush(console_);
  }
}

std::string InvocationLog::function_log(const std::string& function) const {
  std::lock_guard lock(mu_);
  auto it = logs_.find(function);
  return it == logs_.end() ? "" : it->second;
}

}  // namespace bf
