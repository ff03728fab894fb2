#include "emulator/batch/completion_report.h"

#include "emulator/base/time.h"
#include "emulator/batch/manifest.h"
#include "emulator/s3/bucket_name.h"
#include "sdk/hash.h"
#include "sdk/json.h"

namespace bf {

namespace {

constexpr std::size_t kRowsPerFile = 100000;  // a results file's size stays bounded
constexpr std::size_t kPage = 5000;

struct ResultsFile {
  std::string rows;
  std::size_t count = 0;
  int number = 0;
};

}  // namespace

std::string report_row(const FinishedTask& f) {
  const TaskOutcome& o = f.outcome;
  return csv_field(f.task.bucket) + "," + csv_field(url_encode_key(f.task.key)) + "," + csv_field(f.task.version_id) +
         "," + (o.succeeded ? "succeeded" : "failed") + "," + std::to_string(o.http_status) + "," +
         csv_field(o.error_code) + "," + csv_field(o.result_message) + "\n";
}

std::string write_completion_report(const BatchWorld& world, const Job& job) {
  const ReportSpec& spec = job.spec.report;
  if (!spec.enabled) return "";
  const auto bucket = parse_s3_arn(spec.bucket_arn);
  if (!bucket) return "The report bucket is not an S3 bucket ARN";
  const std::string base = (spec.prefix.empty() ? "" : spec.prefix + "/") + "job-" + job.id + "/";
  const bool failed_only = spec.scope == "FailedTasksOnly";
  try {
    auto s3 = world.s3();
    Json results = Json::array();
    ResultsFile files[2];  // [0] succeeded, [1] failed
    auto flush = [&](int which) {
      ResultsFile& file = files[which];
      if (file.count == 0) return;
      // Named by a digest of the job, the file's kind and number: a rerun after a restart
      // writes the same keys again rather than leaving a second copy beside the first.
      const std::string name =
          to_hex(sha1(job.id + (which ? ":failed:" : ":succeeded:") + std::to_string(file.number++))) + ".csv";
      const std::string key = base + "results/" + name;
      s3->put_object(bucket->bucket, key, file.rows, {"text/csv"});
      results.push_back(Json{{"TaskExecutionStatus", which ? "failed" : "succeeded"},
                             {"Bucket", bucket->bucket},
                             {"MD5Checksum", to_hex(md5(file.rows))},
                             {"Key", key}});
      file.rows.clear();
      file.count = 0;
    };
    std::int64_t after = -1;
    for (;;) {
      const auto page = world.tasks.finished_tasks(job.id, after, kPage);
      for (const auto& f : page) {
        after = f.task.seq;
        const int which = f.outcome.succeeded ? 0 : 1;
        if (failed_only && which == 0) continue;
        files[which].rows += report_row(f);
        if (++files[which].count == kRowsPerFile) flush(which);
      }
      if (page.size() < kPage) break;
    }
    flush(0);
    flush(1);
    const Json manifest{{"Format", spec.format.empty() ? "Report_CSV_20180820" : spec.format},
                        {"ReportCreationDate", iso8601_ms(world.clock.now_ms())},
                        {"Results", results},
                        {"ReportSchema", "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"}};
    s3->put_object(bucket->bucket, base + "manifest.json", to_text(manifest), {"application/json"});
  } catch (const std::exception& e) {
    return std::string("Writing the completion report failed: ") + e.what();
  }
  return "";
}

}  // namespace bf
