#include "emulator/base/metrics.h"

#include <gtest/gtest.h>

namespace bf::metrics {
namespace {

TEST(Metrics, CountersAreWrittenOncePerLabelSet) {
  Counters requests("requests_total", "Requests.", {"operation", "code"});
  requests.at({"GetObject", "200"}).fetch_add(2);
  requests.at({"GetObject", "200"}).fetch_add(1);
  requests.at({"PutObject", "503"}).fetch_add(1);
  std::string out;
  requests.write(out);
  EXPECT_EQ(out,
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{operation=\"GetObject\",code=\"200\"} 3\n"
            "requests_total{operation=\"PutObject\",code=\"503\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  const double bounds[] = {0.1, 1};
  Histogram h(bounds);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(0.5);
  h.observe(7);
  std::string out;
  h.write(out, "d_seconds", "f=\"x\"");
  EXPECT_EQ(out,
            "d_seconds_bucket{f=\"x\",le=\"0.1\"} 1\n"
            "d_seconds_bucket{f=\"x\",le=\"1\"} 3\n"
            "d_seconds_bucket{f=\"x\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{f=\"x\"} 8.05\n"
            "d_seconds_count{f=\"x\"} 4\n");
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(label("bucket", "a\"b\\c\nd"), "bucket=\"a\\\"b\\\\c\\nd\"");
}

TEST(Metrics, GaugesAndProcessFigures) {
  std::string out;
  write_gauge(out, "pending", "Pending.", {{"", 3}, {label("q", "a"), 0.5}});
  EXPECT_EQ(out, "# HELP pending Pending.\n# TYPE pending gauge\npending 3\npending{q=\"a\"} 0.5\n");
  out.clear();
  write_process_metrics(out);
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ",
                           "process_max_fds ", "process_start_time_seconds ", "process_virtual_memory_bytes "})
    EXPECT_NE(out.find(std::string("\n") + name), std::string::npos) << name;
}

}  // namespace
}  // namespace bf::metrics
