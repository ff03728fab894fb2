// Preparing a job: the tasks its manifest names, or that its manifest generator selects from
// the source bucket (written out as a manifest when asked).
#pragma once
#include <variant>
#include <vector>

#include "emulator/batch/batch_world.h"
#include "emulator/batch/job.h"

namespace bf {

struct Preparation {
  std::vector<JobTask> tasks;
  ManifestLocation generated_manifest;  // set when the generator wrote one
};

std::variant<Preparation, JobFailure> prepare_tasks(const BatchWorld& world, const Job& job);

// Whether a current object matches a generator's filter.
bool matches_filter(const GeneratorFilter& filter, const ObjectRecord& object);

}  // namespace bf
