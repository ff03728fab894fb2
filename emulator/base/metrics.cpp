#include "emulator/base/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

namespace bf::metrics {

namespace {

constexpr double kDurationBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,  0.5,    1,     2.5,  5,     10,   30, 60};

// Numbers as Prometheus reads them: integers without a fraction, +Inf spelled so.
std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(number(value)).append("\n");
}

template <typename Series>
std::unique_ptr<Series> make_series(std::span<const double> bounds) {
  if constexpr (std::is_same_v<Series, Histogram>)
    return std::make_unique<Histogram>(bounds);
  else
    return std::make_unique<Series>(0);
}

}  // namespace

std::span<const double> duration_buckets() { return kDurationBuckets; }

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()), counts_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::write(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string bucket = std::string(name) + "_bucket";
  const std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    const double le = i < bounds_.size() ? bounds_[i] : INFINITY;
    sample(out, bucket, prefix + label("le", number(le)), static_cast<double>(cumulative));
  }
  sample(out, std::string(name) + "_sum", labels, sum_.load(std::memory_order_relaxed));
  sample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

template <typename Series>
Family<Series>::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
      bounds_(duration_buckets()) {}

template <typename Series>
Series& Family<Series>::at(std::initializer_list<std::string_view> values) {
  thread_local std::string key;
  key.clear();
  for (std::string_view v : values) key.append(v).push_back('\x1f');
  {
    std::shared_lock lock(mu_);
    if (auto it = series_.find(std::string_view(key)); it != series_.end()) return *it->second.second;
  }
  return add(key, values);
}

template <typename Series>
Series& Family<Series>::add(std::string key, std::initializer_list<std::string_view> values) {
  std::unique_lock lock(mu_);
  auto it = series_.find(std::string_view(key));
  if (it != series_.end()) return *it->second.second;
  std::string labels;
  std::size_t i = 0;
  for (std::string_view v : values) {
    if (i >= label_names_.size()) break;
    if (!labels.empty()) labels += ",";
    labels += label(label_names_[i++], v);
  }
  auto& entry = series_[std::move(key)];
  entry = {std::move(labels), make_series<Series>(bounds_)};
  return *entry.second;
}

template <typename Series>
void Family<Series>::write(std::string& out) const {
  const bool histogram = std::is_same_v<Series, Histogram>;
  header(out, name_, help_, histogram ? "histogram" : "counter");
  std::shared_lock lock(mu_);
  for (const auto& [key, entry] : series_) {
    if constexpr (std::is_same_v<Series, Histogram>)
      entry.second->write(out, name_, entry.first);
    else
      sample(out, name_, entry.first, static_cast<double>(entry.second->load(std::memory_order_relaxed)));
  }
}

template class Family<std::atomic<std::uint64_t>>;
template class Family<Histogram>;

void write_gauge(std::string& out, std::string_view name, std::string_view help,
                 const std::vector<std::pair<std::string, double>>& samples) {
  header(out, name, help, "gauge");
  for (const auto& [labels, value] : samples) sample(out, name, labels, value);
}

void write_counter(std::string& out, std::string_view name, std::string_view help, double value) {
  header(out, name, help, "counter");
  sample(out, name, "", value);
}

std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += '"';
  return out;
}

void write_process_metrics(std::string& out) {
  // /proc/self/stat: fields 14-15 utime/stime (ticks), 22 starttime (ticks after boot), 23
  // vsize (bytes), 24 rss (pages). The command name (field 2) may hold spaces: read after ')'.
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> f;
  for (std::string word; fields >> word;) f.push_back(word);
  if (f.size() < 22) return;  // f[0] is field 3
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  double boot_time = 0;
  std::ifstream proc_stat("/proc/stat");
  for (std::string line; std::getline(proc_stat, line);)
    if (line.rfind("btime ", 0) == 0) boot_time = std::stod(line.substr(6));
  int open_fds = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(dir))
      if (entry->d_name[0] != '.') ++open_fds;
    ::closedir(dir);
    --open_fds;  // the directory's own
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  write_counter(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                (std::stod(f[11]) + std::stod(f[12])) / ticks);
  write_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
              {{"", std::stod(f[21]) * page}});
  write_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", {{"", std::stod(f[20])}});
  write_gauge(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
              {{"", boot_time + std::stod(f[19]) / ticks}});
  write_gauge(out, "process_open_fds", "Number of open file descriptors.", {{"", static_cast<double>(open_fds)}});
  write_gauge(out, "process_max_fds", "Maximum number of open file descriptors.",
              {{"", static_cast<double>(limit.rlim_cur)}});
}

}  // namespace bf::metrics
