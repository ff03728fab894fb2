// The completion report (Report_CSV_20180820): CSV files of the tasks' outcomes (succeeded and
// failed apart) under <prefix>/job-<id>/results/, and <prefix>/job-<id>/manifest.json naming
// them, written to the report bucket as any client writes.
#pragma once
#include <string>

#include "emulator/batch/batch_world.h"
#include "emulator/batch/job.h"

namespace bf {

// One CSV row: Bucket, Key (URL-encoded), VersionId, TaskStatus, HTTP status, error code,
// ResultMessage.
std::string report_row(const FinishedTask& finished);

// Empty when written; otherwise why not.
std::string write_completion_report(const BatchWorld& world, const Job& job);

}  // namespace bf
