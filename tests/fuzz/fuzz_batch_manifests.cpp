// What a Batch Operations job reads from outside: the CreateJob and PutJobTagging bodies, a CSV
// manifest (with any field list), an inventory manifest.json and its data rows. Each is read or
// refused with a reason; a job read is written back and its request's fingerprint is stable.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/batch/manifest.h"
#include "emulator/s3control/job_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto spec = bf::parse_create_job(input);
  if (auto* job_spec = std::get_if<bf::JobSpec>(&spec)) {
    bf::Job job;
    job.id = "job";
    job.spec = *job_spec;
    if (bf::describe_job_xml(job, 0).empty() || bf::spec_fingerprint(*job_spec) != bf::spec_fingerprint(job.spec))
      std::abort();
    bf::Job read_back;
    if (!bf::job_from_document(bf::job_document(job), read_back)) std::abort();
  } else if (std::get<bf::JobRefusal>(spec).message.empty()) {
    std::abort();
  }
  (void)bf::parse_job_tagging(input);
  for (const auto& fields : {std::vector<std::string>{"Bucket", "Key"},
                             std::vector<std::string>{"Ignore", "Bucket", "Key", "VersionId"}}) {
    auto tasks = bf::parse_csv_manifest(input, fields);
    if (auto* err = std::get_if<std::string>(&tasks); err && err->empty()) std::abort();
    if (auto* list = std::get_if<std::vector<bf::JobTask>>(&tasks))
      for (const auto& t : *list)
        if (t.bucket.empty() || t.key.empty()) std::abort();
  }
  auto inventory = bf::parse_inventory_manifest(input);
  if (auto* m = std::get_if<bf::InventoryManifest>(&inventory)) (void)bf::parse_inventory_rows(input, m->schema, 0);
  return 0;
}
