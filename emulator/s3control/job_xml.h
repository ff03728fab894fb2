// Batch Operations jobs in S3 Control's XML (rest-xml, namespace 2018-08-20): reading a
// CreateJobRequest into a JobSpec with AWS's validation, and writing the job descriptors that
// DescribeJob and ListJobs answer with.
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "emulator/batch/job.h"
#include "emulator/batch/job_runner.h"

namespace bf {

// The request's JobSpec, or why it is refused.
std::variant<JobSpec, JobRefusal> parse_create_job(std::string_view body);
// A tag set (<Tags><member><Key/><Value/></member>...) in a PutJobTaggingRequest.
std::variant<TagPairs, JobRefusal> parse_job_tagging(std::string_view body);

// The request's canonical form, for telling a ClientRequestToken's replay from its reuse.
std::string spec_fingerprint(const JobSpec& spec);

std::string describe_job_xml(const Job& job, std::int64_t now_ms);
// <member> of ListJobs.
std::string job_list_entry_xml(const Job& job, std::int64_t now_ms);
std::string tags_xml(const TagPairs& tags);

}  // namespace bf
