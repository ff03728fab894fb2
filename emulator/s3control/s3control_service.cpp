#include "emulator/s3control/s3control_service.h"

#include "emulator/auth/verify.h"
#include "emulator/http/buffered_body.h"
#include "emulator/s3/bucket_name.h"
#include "emulator/s3/s3_error.h"
#include "emulator/s3/xml.h"
#include "emulator/s3control/control_response.h"
#include "emulator/s3control/job_xml.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::string_view kVersionPath = "/v20180820/";
constexpr std::size_t kBodyLimit = 1 << 20;

const char* const kJobStatuses[] = {"Active", "Cancelled", "Cancelling", "Complete", "Completing", "Failed", "Failing",
                                    "New", "Paused", "Pausing", "Preparing", "Ready", "Suspended"};

HttpResponse refusal(const JobRefusal& r, const std::string& request_id) {
  return control_error(r.status, r.code, r.message, request_id);
}

// The host's first label when it is an account id ("000000000000.localhost:4566").
std::string host_account(const HttpRequest& request) {
  const std::string* host = request.header("Host");
  if (!host) return "";
  const auto dot = host->find('.');
  if (dot != 12) return "";
  for (std::size_t i = 0; i < 12; ++i)
    if ((*host)[i] < '0' || (*host)[i] > '9') return "";
  return host->substr(0, 12);
}

}  // namespace

bool is_s3control_request(const HttpRequest& request) {
  return request.target.starts_with(kVersionPath) &&
         (request.header("x-amz-account-id") != nullptr || !host_account(request).empty());
}

Dispatch S3ControlService::begin(const HttpRequest& request) {
  Dispatch d;
  d.sink = std::make_unique<BufferedBody>(
      kBodyLimit, BufferedBody::Answers{
                      [this, &request](const std::string& body) { return handle(request, body); },
                      [&request] {
                        return control_error(400, "MaxMessageLengthExceeded",
                                             "Your request was too big.", request.request_id);
                      }});
  return d;
}

HttpResponse S3ControlService::failed(const HttpRequest& request) {
  return control_error(500, "InternalError", "We encountered an internal error. Please try again.",
                       request.request_id);
}

HttpResponse S3ControlService::handle(const HttpRequest& request, const std::string& body) {
  const std::string& rid = request.request_id;
  const auto target = parse_target(request.target);
  if (!target) return control_error(400, "InvalidURI", "Couldn't parse the specified URI.", rid);
  // Signatures are dated by the client's real clock, whatever the server's clock says.
  AuthSettings settings{credentials_, real_clock(), region_, "s3", std::nullopt};
  settings.any_region = true;
  auto auth = authenticate(SignedRequest{request, *target}, settings);
  if (!auth) {
    const S3Error e = s3_error_from(auth.error());
    return control_error(e.status, e.code, e.message, rid);
  }
  const std::string region = auth.value().region.empty() ? region_ : auth.value().region;
  if (auth.value().payload == PayloadMode::Sha256 && sha256_hex(body) != auth.value().payload_sha256)
    return control_error(400, "XAmzContentSHA256Mismatch",
                         "The provided 'x-amz-content-sha256' header does not match what was computed.", rid);
  const std::string* account = request.header("x-amz-account-id");
  if (!account) return control_error(400, "InvalidRequest", "Missing required header for this request: x-amz-account-id", rid);
  const std::string in_host = host_account(request);
  if (*account != account_id_ || (!in_host.empty() && in_host != account_id_))
    return control_error(403, "AccessDenied", "Access Denied", rid);

  // /v20180820/accesspointforobjectlambda[/{name}[/configuration|/policy|/policyStatus]] and
  // /v20180820/accesspoint[/{name}[/policy|/policyStatus]]
  std::string_view rest = std::string_view(target->path).substr(kVersionPath.size());
  constexpr std::string_view kObjectLambda = "accesspointforobjectlambda";
  if (rest.starts_with(kObjectLambda) && (rest.size() == kObjectLambda.size() || rest[kObjectLambda.size()] == '/'))
    return object_lambda_request(request, *target, body, rest.substr(kObjectLambda.size()), region);
  constexpr std::string_view kAccessPoint = "accesspoint";
  if (rest.starts_with(kAccessPoint) && (rest.size() == kAccessPoint.size() || rest[kAccessPoint.size()] == '/'))
    return access_point_request(request, *target, body, rest.substr(kAccessPoint.size()), region);
  // /v20180820/jobs[/{id}[/priority|/status|/tagging]]
  if (!rest.starts_with("jobs"))
    return control_error(501, "NotImplemented",
                         "bucketfire's S3 Control API serves Batch Operations jobs and access points only", rid);
  rest.remove_prefix(4);
  if (rest.empty() || rest == "/") {
    if (request.method == "POST") return create_job(request, body, region);
    if (request.method == "GET") return list_jobs(request, *target, region);
    return control_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", rid);
  }
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  const std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  // Another region's job does not exist here.
  if (const auto job = jobs_.find(id); job && job->region != region)
    return control_error(404, "NotFoundException", "No such job: " + id, rid);
  if (sub.empty() && request.method == "GET") return describe_job(request, id);
  if (sub == "priority" && request.method == "POST") return update_priority(request, *target, id);
  if (sub == "status" && request.method == "POST") return update_status(request, *target, id);
  if (sub == "tagging") return job_tagging(request, body, id);
  return control_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", rid);
}

HttpResponse S3ControlService::create_job(const HttpRequest& request, const std::string& body,
                                          const std::string& region) {
  auto parsed = parse_create_job(body);
  if (auto* r = std::get_if<JobRefusal>(&parsed)) return refusal(*r, request.request_id);
  JobSpec spec = std::get<JobSpec>(std::move(parsed));
  if (spec.report.enabled) {
    const auto bucket = parse_s3_arn(spec.report.bucket_arn);
    if (!bucket || !buckets_.find_bucket(bucket->bucket))
      return control_error(400, "InvalidRequest", "The report bucket " + spec.report.bucket_arn + " does not exist",
                           request.request_id);
  }
  const std::string fingerprint = spec_fingerprint(spec);
  auto made = jobs_.create(std::move(spec), fingerprint, region);
  if (auto* r = std::get_if<JobRefusal>(&made)) return refusal(*r, request.request_id);
  std::string out = open_result("CreateJobResult");
  xml::element(out, "JobId", std::get<Job>(made).id);
  return xml_answer(out + "</CreateJobResult>", request.request_id, "CreateJob");
}

HttpResponse S3ControlService::list_jobs(const HttpRequest& request, const RequestTarget& target,
                                         const std::string& region) {
  std::vector<std::string> statuses;
  for (const auto& [name, value] : target.query) {
    if (name != "jobStatuses") continue;
    if (std::find(std::begin(kJobStatuses), std::end(kJobStatuses), value) == std::end(kJobStatuses))
      return control_error(400, "InvalidRequestException", "Invalid job status " + value, request.request_id);
    statuses.push_back(value);
  }
  std::int64_t max_results = 1000;
  if (const auto* m = target.query_param("maxResults")) {
    const auto v = parse_decimal(*m, 1000);
    if (!v)
      return control_error(400, "InvalidRequestException", "maxResults must be between 0 and 1000", request.request_id);
    max_results = *v == 0 ? 1000 : static_cast<std::int64_t>(*v);
  }
  std::vector<Job> jobs;
  for (auto& job : jobs_.list())
    if (job.region == region &&
        (statuses.empty() || std::find(statuses.begin(), statuses.end(), job.status) != statuses.end()))
      jobs.push_back(std::move(job));
  // The token is the id of the last job of the page before; jobs are listed newest first.
  std::size_t start = 0;
  if (const auto* token = target.query_param("nextToken")) {
    const auto at = std::find_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.id == *token; });
    if (at == jobs.end())
      return control_error(400, "InvalidNextTokenException", "The continuation token provided is invalid",
                           request.request_id);
    start = static_cast<std::size_t>(at - jobs.begin()) + 1;
  }
  const std::int64_t now = clock_.now_ms();
  std::string out = open_result("ListJobsResult");
  const std::size_t end = std::min(jobs.size(), start + static_cast<std::size_t>(max_results));
  if (end < jobs.size()) xml::element(out, "NextToken", jobs[end - 1].id);
  out += "<Jobs>";
  for (std::size_t i = start; i < end; ++i) out += job_list_entry_xml(jobs[i], now);
  out += "</Jobs></ListJobsResult>";
  return xml_answer(std::move(out), request.request_id, "ListJobs");
}

HttpResponse S3ControlService::describe_job(const HttpRequest& request, const std::string& id) {
  const auto job = jobs_.find(id);
  if (!job) return control_error(404, "NotFoundException", "No such job: " + id, request.request_id);
  return xml_answer(describe_job_xml(*job, clock_.now_ms()), request.request_id, "DescribeJob");
}

HttpResponse S3ControlService::update_priority(const HttpRequest& request, const RequestTarget& target,
                                               const std::string& id) {
  const auto* priority_text = target.query_param("priority");
  const auto priority = priority_text ? parse_decimal(*priority_text, 2147483647) : std::nullopt;
  if (!priority)
    return control_error(400, "BadRequestException", "priority must be between 0 and 2147483647", request.request_id);
  auto updated = jobs_.update_priority(id, *priority);
  if (auto* r = std::get_if<JobRefusal>(&updated)) return refusal(*r, request.request_id);
  std::string out = open_result("UpdateJobPriorityResult");
  xml::element(out, "JobId", id);
  xml::element(out, "Priority", static_cast<std::uint64_t>(*priority));
  return xml_answer(out + "</UpdateJobPriorityResult>", request.request_id, "UpdateJobPriority");
}

HttpResponse S3ControlService::update_status(const HttpRequest& request, const RequestTarget& target,
                                             const std::string& id) {
  const std::string* requested = target.query_param("requestedJobStatus");
  if (!requested || (*requested != "Ready" && *requested != "Cancelled"))
    return control_error(400, "BadRequestException", "requestedJobStatus must be Ready or Cancelled", request.request_id);
  const std::string* reason = target.query_param("statusUpdateReason");
  if (reason && reason->size() > 256)
    return control_error(400, "BadRequestException", "statusUpdateReason must be at most 256 characters",
                         request.request_id);
  auto updated = jobs_.update_status(id, *requested, reason ? *reason : "");
  if (auto* r = std::get_if<JobRefusal>(&updated)) return refusal(*r, request.request_id);
  const Job& job = std::get<Job>(updated);
  std::string out = open_result("UpdateJobStatusResult");
  xml::element(out, "JobId", job.id);
  xml::element(out, "Status", job.status);
  if (!job.status_update_reason.empty()) xml::element(out, "StatusUpdateReason", job.status_update_reason);
  return xml_answer(out + "</UpdateJobStatusResult>", request.request_id, "UpdateJobStatus");
}

HttpResponse S3ControlService::job_tagging(const HttpRequest& request, const std::string& body, const std::string& id) {
  const std::string& rid = request.request_id;
  if (request.method == "GET") {
    const auto job = jobs_.find(id);
    if (!job) return control_error(404, "NotFoundException", "No such job: " + id, rid);
    return xml_answer(tags_xml(job->spec.tags), rid, "GetJobTagging");
  }
  TagPairs tags;
  if (request.method == "PUT") {
    auto parsed = parse_job_tagging(body);
    if (auto* r = std::get_if<JobRefusal>(&parsed)) return refusal(*r, rid);
    tags = std::get<TagPairs>(std::move(parsed));
  } else if (request.method != "DELETE") {
    return control_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", rid);
  }
  auto updated = jobs_.put_tags(id, std::move(tags));
  if (auto* r = std::get_if<JobRefusal>(&updated)) return refusal(*r, rid);
  return xml_answer("", rid, request.method == "PUT" ? "PutJobTagging" : "DeleteJobTagging");
}

}  // namespace bf
