// Counters and histograms for GET /metrics, written in Prometheus' text exposition format
// (version 0.0.4). Updating one is a relaxed atomic add: a labelled series is looked up under
// a shared lock with a key built in a reused buffer, and added under the exclusive lock only
// the first time its labels appear. Gauges that are read when scraped (queue depth, stored
// bytes) are written with write_gauge from whatever holds them.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bf::metrics {

// The latency buckets (seconds) of request and function durations: 1 ms to 60 s.
std::span<const double> duration_buckets();

class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void observe(double value);
  // The _bucket, _sum and _count samples; `labels` is "" or `a="x",b="y"`.
  void write(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, the last for +Inf
  std::atomic<double> sum_{0};
};

// A family of series, one per label set: counters (std::atomic<std::uint64_t>) or histograms.
template <typename Series>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names);
  // The series of these label values (as many as the family has label names).
  Series& at(std::initializer_list<std::string_view> values);
  void write(std::string& out) const;
  // Calls `visit(label values, series)` for each series, in the order of their label values.
  template <typename Visit>
  void for_each(Visit visit) const {
    std::shared_lock lock(mu_);
    for (const auto& [key, entry] : series_) {
      std::vector<std::string_view> values;
      for (std::string_view rest = key; !rest.empty();) {
        const auto end = rest.find('\x1f');
        values.push_back(rest.substr(0, end));
        rest.remove_prefix(end + 1);
      }
      visit(values, *entry.second);
    }
  }

 private:
  Series& add(std::string key, std::initializer_list<std::string_view> values);

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  mutable std::shared_mutex mu_;
  // By the label values joined with '\x1f'; each keeps its rendered labels.
  std::map<std::string, std::pair<std::string, std::unique_ptr<Series>>, std::less<>> series_;
  std::span<const double> bounds_;
};

using Counters = Family<std::atomic<std::uint64_t>>;
using Histograms = Family<Histogram>;

// One gauge family: HELP, TYPE and a sample per label set (`labels` as `a="x"` or "").
void write_gauge(std::string& out, std::string_view name, std::string_view help,
                 const std::vector<std::pair<std::string, double>>& samples);
// One unlabelled counter read from elsewhere.
void write_counter(std::string& out, std::string_view name, std::string_view help, double value);
// `name="value"` with the value escaped as the format asks.
std::string label(std::string_view name, std::string_view value);
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds, process_max_fds, from /proc/self.
void write_process_metrics(std::string& out);

}  // namespace bf::metrics
