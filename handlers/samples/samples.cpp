#include "handlers/samples/samples.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "sdk/object_lambda_event.h"
#include "sdk/sigv4.h"

namespace bf::samples {

Json noop(const Json&, Context&) { return Json::object(); }

Json echo(const Json& event, Context&) { return event; }

Json log_event(const Json& event, Context& ctx) {
  ctx.log(to_text(event));
  return Json{{"logged", true}};
}

Json save_event(const Json& event, Context& ctx) {
  const std::string bucket = ctx.env("EVENT_BUCKET");
  if (bucket.empty()) throw FunctionError("ConfigurationError", "EVENT_BUCKET is not set");
  const std::string key =
      ctx.env("EVENT_PREFIX", "events/") + ctx.function_name() + "/" + ctx.request_id() + ".json";
  PutObjectOptions put;
  put.content_type = "application/json";
  ctx.s3().put_object(bucket, key, to_text(event), put);
  return Json{{"saved", key}};
}

Json fail(const Json&, Context& ctx) {
  throw FunctionError(ctx.env("ERROR_TYPE", "HandlerError"),
                      ctx.env("ERROR_MESSAGE", "the handler failed on purpose"));
}

Json sleep(const Json&, Context& ctx) {
  const int ms = std::stoi(ctx.env("SLEEP_MS", "5000"));
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  ctx.log("awake after " + std::to_string(ms) + " ms");
  // A handler past its deadline stops here: the S3 call throws TimeoutError.
  if (const std::string bucket = ctx.env("SAVE_BUCKET"); !bucket.empty())
    ctx.s3().put_object(bucket, "slept/" + ctx.request_id(), "woke up");
  return Json{{"slept_ms", ms}};
}

Json event_summary(const S3Event& event, Context& ctx) {
  Json objects = Json::array();
  for (const auto& r : event.records)
    objects.push_back(Json{{"event", r.event_name},
                           {"bucket", r.bucket_name},
                           {"key", r.key},
                           {"size", r.size ? Json(*r.size) : Json(nullptr)}});
  ctx.log("summarised " + std::to_string(event.records.size()) + " record(s)");
  return Json{{"count", event.records.size()}, {"objects", objects}};
}

Json http_hello(const Json& event, Context&) {
  const Json params = event.value("pathParameters", Json::object());
  const Json query = event.value("queryStringParameters", Json::object());
  const std::string who = params.value("id", params.value("proxy", std::string("world")));
  const int status = query.contains("status") ? std::stoi(query.value("status", "200")) : 200;
  if (query.contains("binary"))
    return Json{{"statusCode", status},
                {"headers", {{"content-type", "application/octet-stream"}}},
                {"body", "AAEC/w=="},  // bytes 00 01 02 ff
                {"isBase64Encoded", true}};
  return Json{{"statusCode", status},
              {"headers", {{"content-type", "text/plain"}, {"x-route", event.value("routeKey", "")}}},
              {"cookies", Json::array({"visited=yes; Path=/", "theme=dark"})},
              {"body", "hello " + who},
              {"isBase64Encoded", false}};
}

Json token_authorizer(const Json& event, Context& ctx) {
  const Json identity = event.value("identitySource", Json::array());
  const bool allowed = !identity.empty() && identity[0].is_string() &&
                       identity[0].get<std::string>() == ctx.env("TOKEN", "letmein");
  return Json{{"isAuthorized", allowed}, {"context", {{"user", "workshop"}, {"decidedBy", ctx.request_id()}}}};
}

Json copy(const S3Event& event, Context& ctx) {
  Json copied = Json::array();
  for (const auto& record : event.records) {
    if (!record.event_name.starts_with("ObjectCreated:")) continue;
    const std::string target = ctx.env("TARGET_BUCKET", record.bucket_name);
    const std::string key = ctx.env("TARGET_PREFIX", "copy/") + record.key;
    auto object = ctx.s3().get_object(record.bucket_name, record.key);
    PutObjectOptions put;
    put.content_type = object.info.content_type;
    put.metadata = object.info.metadata;
    ctx.s3().put_object(target, key, object.body, put);
    ctx.log("copied s3://" + record.bucket_name + "/" + record.key + " to s3://" + target + "/" + key);
    copied.push_back(key);
  }
  return Json{{"copied", copied}};
}

// An S3 Batch Operations LambdaInvoke handler (schema 1.0 or 2.0). Each task is answered by
// its key: "temporary" asks for another try, "permanent" fails it, "crash" throws (a function
// error); any other succeeds, with a result string naming the object and the job's user
// arguments. With the user argument "marker-bucket" it also writes <key>.done there;
// TASK_DELAY_MS makes each invocation take that long.
Json batch_task(const Json& payload, Context& ctx) {
  const BatchJobEvent event = BatchJobEvent::from_json(payload);
  if (const int ms = std::stoi(ctx.env("TASK_DELAY_MS", "0")); ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  Json arguments = Json::object();
  for (const auto& [k, v] : event.user_arguments) arguments[k] = v;
  std::vector<BatchTaskResult> results;
  for (const auto& task : event.tasks) {
    const std::string& key = task.key;
    if (key.find("crash") != std::string::npos) throw FunctionError("TaskCrash", "crashed on " + key);
    std::string code = "Succeeded", message = task.bucket + "/" + key;
    if (key.find("temporary") != std::string::npos) code = "TemporaryFailure", message = "try again later";
    if (key.find("permanent") != std::string::npos) code = "PermanentFailure", message = "cannot process " + key;
    if (code == "Succeeded" && !event.user_arguments.empty()) {
      message += " " + to_text(arguments);
      if (auto marker = event.user_arguments.find("marker-bucket"); marker != event.user_arguments.end())
        ctx.s3().put_object(marker->second, key + ".done", to_text(arguments));
    }
    results.push_back(BatchTaskResult{task.task_id, code, message});
  }
  return batch_response(event, results);
}

namespace {

// The decoded path of a URL, without its query.
std::string path_of(const std::string& url) {
  std::string_view rest = url;
  rest.remove_prefix(std::min(rest.size(), rest.find("://") == std::string_view::npos ? 0 : rest.find("://") + 3));
  rest = rest.substr(std::min(rest.size(), rest.find('/')));
  rest = rest.substr(0, rest.find('?'));
  std::string path;
  if (!sigv4::uri_decode(rest, path) || path.size() < 2) throw std::invalid_argument("not a path-style URL: " + url);
  return path;
}

// The bucket and key of a path-style URL ("http://host/bucket/some/key?query"), decoded.
std::pair<std::string, std::string> bucket_and_key(const std::string& url) {
  const std::string path = path_of(url);
  const auto slash = path.find('/', 1);
  if (slash == std::string::npos) throw std::invalid_argument("no key in " + url);
  return {path.substr(1, slash - 1), path.substr(slash + 1)};
}

// `size` bytes of a repeating pattern, made as they are read.
class GeneratedBody final : public BodySource {
 public:
  explicit GeneratedBody(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, size_ - done_));
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>('a' + (done_ + i) % 26);
    done_ += n;
    return n;
  }
  void rewind() override { done_ = 0; }

 private:
  std::uint64_t size_;
  std::uint64_t done_ = 0;
};

}  // namespace

namespace {

// HeadObject and the listings through Object Lambda: the function returns JSON. The original's
// headers with the metadata upper-cased, or the listing with every key upper-cased; "event"
// puts the event itself in a header (HeadObject) or in the only key (listings); "error" answers
// 403 NotAllowed.
Json object_lambda_upper_json(const ObjectLambdaEvent& event, const Json& payload, const std::string& mode,
                              Context& ctx) {
  if (mode == "error") return Json{{"statusCode", 403}, {"errorCode", "NotAllowed"}, {"errorMessage", "not here"}};
  const bool head = event.context == "headObjectContext";
  if (mode == "event") {
    if (head) return Json{{"statusCode", 200}, {"headers", {{"x-amz-meta-event", to_text(payload)}}}};
    return Json{{"statusCode", 200}, {"listBucketResult", {{"name", "event"}, {"isTruncated", false},
                                                           {"contents", Json::array({{{"key", to_text(payload)}}})}}}};
  }
  if (head) {
    const auto [bucket, key] = bucket_and_key(event.input_s3_url);
    const ObjectInfo info = ctx.s3().head_object(bucket, key);
    Json metadata = Json::object();
    for (const auto& [name, value] : info.metadata) {
      std::string upper = value;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      metadata[name] = upper;
    }
    return Json{{"statusCode", 200},
                {"headers", {{"Content-Length", info.size}, {"Content-Type", info.content_type}, {"ETag", info.etag}}},
                {"metadata", metadata}};
  }
  const std::string path = path_of(event.input_s3_url);
  const std::string bucket = path.substr(1, path.find('/', 1) - 1);
  Json contents = Json::array();
  for (const ObjectSummary& o : ctx.s3().list_all(bucket)) {
    std::string key = o.key;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
    contents.push_back({{"key", key}, {"size", o.size}, {"storageClass", "STANDARD"}});
  }
  return Json{{"statusCode", 200},
              {"listBucketResult", {{"name", bucket}, {"keyCount", contents.size()}, {"maxKeys", 1000},
                                    {"isTruncated", false}, {"contents", contents}}}};
}

}  // namespace

// An S3 Object Lambda function: the original, read by the path of the event's inputS3Url,
// upper-cased and answered with WriteGetObjectResponse. The transformation's payload picks other
// answers: {"mode": "error"} answers 403 NotAllowed, "crash" throws before answering, "silent"
// returns without answering, "event" answers with the event itself, "generate" streams
// {"bytes": N} made-up bytes. HeadObject and listings get JSON (object_lambda_upper_json).
Json object_lambda_upper(const Json& payload, Context& ctx) {
  const ObjectLambdaEvent event = ObjectLambdaEvent::from_json(payload);
  const Json config = Json::parse(event.payload.empty() ? "{}" : event.payload, nullptr, false);
  const std::string mode = config.is_object() ? config.value("mode", "") : "";
  if (mode == "crash") throw FunctionError("TransformFailed", "the transform crashed");
  if (event.context != "getObjectContext") return object_lambda_upper_json(event, payload, mode, ctx);
  WriteGetObjectResponseRequest answer;
  answer.route = event.output_route;
  answer.token = event.output_token;
  if (mode == "silent") return Json::object();
  if (mode == "error") {
    answer.status_code = 403;
    answer.error_code = "NotAllowed";
    answer.error_message = "this object is not served here";
    ctx.s3().write_get_object_response(answer, "");
    return Json{{"statusCode", 403}};
  }
  if (mode == "event") {  // the event itself, for tests to read
    answer.content_type = "application/json";
    ctx.s3().write_get_object_response(answer, to_text(payload));
    return Json{{"statusCode", 200}};
  }
  if (mode == "generate") {
    answer.content_type = "application/octet-stream";
    ctx.s3().write_get_object_response(answer, std::make_shared<GeneratedBody>(config.value("bytes", 0ull)));
    return Json{{"statusCode", 200}};
  }
  const auto [bucket, key] = bucket_and_key(event.input_s3_url);
  std::string body = ctx.s3().get_object(bucket, key).body;
  std::transform(body.begin(), body.end(), body.begin(), [](unsigned char c) { return std::toupper(c); });
  answer.content_type = "text/plain";
  answer.headers = {{"Cache-Control", "no-store"}};
  answer.metadata = {{"transformed-by", ctx.function_name()}};
  ctx.s3().write_get_object_response(answer, body);
  return Json{{"statusCode", 200}};
}

std::map<std::string, Handler> handlers() {
  return {
      {"noop", noop},
      {"echo", echo},
      {"log-event", log_event},
      {"save-event", save_event},
      {"fail", fail},
      {"sleep", sleep},
      {"copy", s3_handler(copy)},
      {"event-summary", s3_handler(event_summary)},
      {"http-hello", http_hello},
      {"token-authorizer", token_authorizer},
      {"batch-task", batch_task},
      {"object-lambda-upper", object_lambda_upper},
  };
}

}  // namespace bf::samples
