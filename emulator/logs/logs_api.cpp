#include "emulator/logs/logs_api.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "emulator/auth/verify.h"
#include "emulator/http/buffered_body.h"
#include "emulator/http/target.h"
#include "emulator/logs/filter_pattern.h"
#include "sdk/hash.h"
#include "sdk/text.h"

namespace bf {

namespace {

constexpr std::string_view kTargetPrefix = "Logs_20140328.";
constexpr std::size_t kBodyLimit = 1 << 20;
constexpr std::size_t kFilterScanLimit = 10000;  // rows read per FilterLogEvents page, matched or not

// A client mistake, answered as CloudWatch Logs words it.
struct LogsError {
  std::string type;
  std::string message;
};

HttpResponse json_answer(int status, const Json& body, const std::string& request_id) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/x-amz-json-1.1");
  res.set_header("x-amzn-RequestId", request_id);
  res.body = to_text(body);
  return res;
}

HttpResponse error_answer(const LogsError& e, const std::string& request_id) {
  return json_answer(400, Json{{"__type", e.type}, {"message", e.message}}, request_id);
}

[[noreturn]] void invalid(const std::string& message) { throw LogsError{"InvalidParameterException", message}; }

std::string text_field(const Json& in, const char* name, bool required = false) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) {
    if (required) invalid("1 validation error detected: Value null at '" + std::string(name) +
                          "' failed to satisfy constraint: Member must not be null");
    return "";
  }
  if (!it->is_string()) invalid("Value at '" + std::string(name) + "' must be a string");
  return it->get<std::string>();
}

std::int64_t integer_field(const Json& in, const char* name, std::int64_t fallback, std::int64_t min,
                           std::int64_t max) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) invalid("Value at '" + std::string(name) + "' must be an integer");
  const std::int64_t v = it->get<std::int64_t>();
  if (v < min || v > max)
    invalid("1 validation error detected: Value '" + std::to_string(v) + "' at '" + name +
            "' failed to satisfy constraint: Member must have value between " + std::to_string(min) + " and " +
            std::to_string(max));
  return v;
}

bool bool_field(const Json& in, const char* name, bool fallback) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) invalid("Value at '" + std::string(name) + "' must be a boolean");
  return it->get<bool>();
}

// logGroupName, or logGroupIdentifier (a name or an ARN).
std::string group_name(const Json& in) {
  std::string name = text_field(in, "logGroupName");
  const std::string identifier = text_field(in, "logGroupIdentifier");
  if (!name.empty() && !identifier.empty()) invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  if (name.empty() && identifier.starts_with("arn:")) {
    const auto at = identifier.find(":log-group:");
    if (at == std::string::npos) invalid("Invalid log group ARN: " + identifier);
    name = identifier.substr(at + 11);
    if (name.ends_with(":*")) name.resize(name.size() - 2);
  } else if (name.empty()) {
    name = identifier;
  }
  if (name.empty()) invalid("Either logGroupName or logGroupIdentifier must be given");
  return name;
}

LogsError no_group() { return {"ResourceNotFoundException", "The specified log group does not exist."}; }

// GetLogEvents' tokens: "f/" or "b/" and an event id, 56 digits as AWS writes them.
std::string event_token(char direction, std::int64_t id) {
  char digits[64];
  std::snprintf(digits, sizeof digits, "%c/%056lld", direction, static_cast<long long>(id));
  return digits;
}

std::optional<std::pair<char, std::int64_t>> read_event_token(const std::string& token) {
  if (token.size() < 3 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(token.data() + 2, token.data() + token.size(), id);
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return std::pair{token[0], id};
}

}  // namespace

bool is_logs_request(const HttpRequest& request) {
  const std::string* target = request.header("X-Amz-Target");
  return target && target->starts_with(kTargetPrefix) && request.method == "POST";
}

LogsApi::LogsApi(LogStore& store, LogRecorder& recorder, const CredentialStore& credentials, std::string region,
                 std::string account_id, const Clock& signing_clock, GroupRegion group_region)
    : store_(store),
      recorder_(recorder),
      credentials_(credentials),
      region_(std::move(region)),
      account_id_(std::move(account_id)),
      signing_clock_(signing_clock),
      group_region_(std::move(group_region)) {}

Dispatch LogsApi::begin(const HttpRequest& request) {
  Dispatch d;
  d.sink = std::make_unique<BufferedBody>(
      kBodyLimit, BufferedBody::Answers{
                      [this, &request](const std::string& body) { return handle(request, body); },
                      [&request] {
                        return error_answer({"InvalidParameterException", "Request body too large"},
                                            request.request_id);
                      }});
  return d;
}

HttpResponse LogsApi::handle(const HttpRequest& request, const std::string& body) {
  const std::string operation = request.header("X-Amz-Target")->substr(kTargetPrefix.size());
  auto answer = [&](HttpResponse res) {
    res.operation = operation;
    return res;
  };
  const auto target = parse_target(request.target);
  if (!target) return answer(error_answer({"SerializationException", "The request target does not parse"}, request.request_id));
  AuthSettings settings{credentials_, signing_clock_, region_, "logs", sha256_hex(body)};
  settings.any_region = true;  // the region signed for is the endpoint's
  auto auth = authenticate(SignedRequest{request, *target}, settings);
  if (!auth) {
    const AuthError& e = auth.error();
    const std::string type = e.code == "InvalidAccessKeyId" ? "UnrecognizedClientException"
                             : e.code == "AccessDenied"     ? "MissingAuthenticationTokenException"
                                                            : "InvalidSignatureException";
    const std::string message = e.code == "InvalidAccessKeyId"
                                    ? "The security token included in the request is invalid."
                                    : e.message.empty() ? e.code : e.message;
    return answer(error_answer({type, message}, request.request_id));
  }
  return answer(operate(operation, body, request.request_id, auth->region));
}

std::string LogsApi::region_of(const std::string& group) const {
  std::string region = group_region_ ? group_region_(group) : std::string();
  return region.empty() ? region_ : region;
}

HttpResponse LogsApi::operate(const std::string& operation, const std::string& body, const std::string& request_id,
                              const std::string& signed_region) {
  const std::string& region = signed_region.empty() ? region_ : signed_region;
  const Json in = body.empty() ? Json::object() : Json::parse(body, nullptr, false);
  if (in.is_discarded() || !in.is_object())
    return error_answer({"SerializationException", "The request body is not a JSON object"}, request_id);
  try {
    // A group of another region does not exist here (the operation itself finds a missing one).
    if (operation != "DescribeLogGroups" && region_of(group_name(in)) != region) throw no_group();
    Json out;
    if (operation == "DescribeLogGroups") out = describe_log_groups(in, region);
    else if (operation == "DescribeLogStreams") out = describe_log_streams(in, region);
    else if (operation == "GetLogEvents") out = get_log_events(in);
    else if (operation == "FilterLogEvents") out = filter_log_events(in);
    else if (operation == "PutRetentionPolicy") out = put_retention_policy(in);
    else if (operation == "DeleteRetentionPolicy") out = delete_retention_policy(in);
    else
      return error_answer({"UnknownOperationException", operation + " is not supported by bucketfire"}, request_id);
    return json_answer(200, out, request_id);
  } catch (const LogsError& e) {
    return error_answer(e, request_id);
  }
}

std::string LogsApi::group_arn(const std::string& group, const std::string& region) const {
  return "arn:aws:logs:" + region + ":" + account_id_ + ":log-group:" + group;
}

Json LogsApi::describe_log_groups(const Json& in, const std::string& region) {
  recorder_.flush();
  const std::string prefix = text_field(in, "logGroupNamePrefix");
  const std::string pattern = ascii_lower(text_field(in, "logGroupNamePattern"));
  if (!prefix.empty() && !pattern.empty())
    invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  const auto limit = static_cast<std::size_t>(integer_field(in, "limit", 50, 1, 50));
  const std::string after = text_field(in, "nextToken");
  Json groups = Json::array();
  std::string last;
  bool more = false;
  for (const LogGroupInfo& g : store_.groups()) {
    if (!g.name.starts_with(prefix) || ascii_lower(g.name).find(pattern) == std::string::npos) continue;
    if (region_of(g.name) != region) continue;
    if (!after.empty() && g.name <= after) continue;
    if (groups.size() == limit) {
      more = true;
      break;
    }
    Json group{{"logGroupName", g.name}, {"creationTime", g.created_ms}};
    group["retentionInDays"] = g.retention_days > 0 ? g.retention_days : recorder_.retention_days();
    group["metricFilterCount"] = 0;
    group["arn"] = group_arn(g.name, region) + ":*";
    group["storedBytes"] = g.stored_bytes;
    group["logGroupClass"] = "STANDARD";
    group["logGroupArn"] = group_arn(g.name, region);
    groups.push_back(std::move(group));
    last = g.name;
  }
  Json out{{"logGroups", groups}};
  if (more) out["nextToken"] = last;
  return out;
}

Json LogsApi::describe_log_streams(const Json& in, const std::string& region) {
  recorder_.flush();
  const std::string group = group_name(in);
  if (!store_.has_group(group)) throw no_group();
  const std::string prefix = text_field(in, "logStreamNamePrefix");
  const std::string order = text_field(in, "orderBy");
  if (!order.empty() && order != "LogStreamName" && order != "LastEventTime")
    invalid("1 validation error detected: Value '" + order +
            "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, "
            "LastEventTime]");
  if (order == "LastEventTime" && !prefix.empty())
    invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  const bool descending = bool_field(in, "descending", false);
  const auto limit = static_cast<std::size_t>(integer_field(in, "limit", 50, 1, 50));
  std::size_t skip = 0;
  if (const std::string token = text_field(in, "nextToken"); !token.empty()) {
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), skip);
    if (ec != std::errc() || end != token.data() + token.size()) invalid("The specified nextToken is invalid.");
  }
  std::vector<LogStreamInfo> streams;
  for (auto& s : store_.streams(group))
    if (s.name.starts_with(prefix)) streams.push_back(std::move(s));
  if (order == "LastEventTime")
    std::stable_sort(streams.begin(), streams.end(),
                     [](const auto& a, const auto& b) { return a.last_event_ms < b.last_event_ms; });
  if (descending) std::reverse(streams.begin(), streams.end());
  Json list = Json::array();
  for (std::size_t i = skip; i < streams.size() && list.size() < limit; ++i) {
    const LogStreamInfo& s = streams[i];
    list.push_back(Json{{"logStreamName", s.name},
                        {"creationTime", s.created_ms},
                        {"firstEventTimestamp", s.first_event_ms},
                        {"lastEventTimestamp", s.last_event_ms},
                        {"lastIngestionTime", s.last_ingestion_ms},
                        {"uploadSequenceToken", "1"},
                        {"arn", group_arn(group, region) + ":log-stream:" + s.name},
                        {"storedBytes", 0}});
  }
  Json out{{"logStreams", list}};
  if (skip + list.size() < streams.size()) out["nextToken"] = std::to_string(skip + list.size());
  return out;
}

Json LogsApi::get_log_events(const Json& in) {
  recorder_.flush();
  const std::string group = group_name(in);
  const std::string stream = text_field(in, "logStreamName", true);
  const auto streams = store_.streams(group);
  if (std::none_of(streams.begin(), streams.end(), [&](const auto& s) { return s.name == stream; })) {
    if (!store_.has_group(group)) throw no_group();
    throw LogsError{"ResourceNotFoundException", "The specified log stream does not exist."};
  }
  const std::int64_t from = integer_field(in, "startTime", 0, 0, INT64_MAX);
  const std::int64_t to = integer_field(in, "endTime", INT64_MAX, 0, INT64_MAX);
  const auto limit = static_cast<std::size_t>(integer_field(in, "limit", 10000, 1, 10000));
  const bool from_head = bool_field(in, "startFromHead", false);
  std::vector<LogEvent> events;
  const std::string token = text_field(in, "nextToken");
  std::optional<std::pair<char, std::int64_t>> position;
  if (!token.empty()) {
    position = read_event_token(token);
    if (!position) invalid("The specified nextToken is invalid.");
  }
  if (position && position->first == 'f')
    events = store_.stream_events(group, stream, from, to, position->second, INT64_MAX, limit, false);
  else if (position)
    events = store_.stream_events(group, stream, from, to, 0, position->second, limit, true);
  else
    events = store_.stream_events(group, stream, from, to, 0, INT64_MAX, limit, !from_head);
  Json list = Json::array();
  for (const LogEvent& e : events)
    list.push_back(Json{{"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_ms}});
  // With nothing new, the tokens stay where they were: a reader following forward asks again.
  std::int64_t forward = events.empty() ? (position ? position->second : 0) : events.back().id;
  std::int64_t backward = events.empty() ? (position ? position->second : 0) : events.front().id;
  return Json{{"events", list}, {"nextForwardToken", event_token('f', forward)},
              {"nextBackwardToken", event_token('b', backward)}};
}

Json LogsApi::filter_log_events(const Json& in) {
  recorder_.flush();
  const std::string group = group_name(in);
  if (!store_.has_group(group)) throw no_group();
  LogEventQuery query;
  query.group = group;
  if (auto it = in.find("logStreamNames"); it != in.end() && !it->is_null()) {
    if (!it->is_array() || it->empty() || it->size() > 100) invalid("logStreamNames must list 1 to 100 stream names");
    for (const auto& name : *it) {
      if (!name.is_string()) invalid("logStreamNames must list stream names");
      query.streams.push_back(name.get<std::string>());
    }
  }
  const std::string prefix = text_field(in, "logStreamNamePrefix");
  if (!prefix.empty() && !query.streams.empty())
    invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  const auto streams = store_.streams(group);
  if (!prefix.empty()) {
    for (const auto& s : streams)
      if (s.name.starts_with(prefix)) query.streams.push_back(s.name);
    if (query.streams.empty()) return Json{{"events", Json::array()}, {"searchedLogStreams", Json::array()}};
  }
  query.from_ms = integer_field(in, "startTime", 0, 0, INT64_MAX);
  query.to_ms = integer_field(in, "endTime", INT64_MAX, 0, INT64_MAX);
  const auto limit = static_cast<std::size_t>(integer_field(in, "limit", 10000, 1, 10000));
  auto parsed = FilterPattern::parse(text_field(in, "filterPattern"));
  if (auto* why = std::get_if<std::string>(&parsed)) invalid(*why);
  const FilterPattern& pattern = std::get<FilterPattern>(parsed);
  if (const std::string token = text_field(in, "nextToken"); !token.empty()) {
    auto decoded = base64_decode(token);
    const std::string text = decoded ? *decoded : "";
    const auto colon = text.find(':');
    if (colon == std::string::npos ||
        std::from_chars(text.data(), text.data() + colon, query.after_timestamp_ms).ec != std::errc() ||
        std::from_chars(text.data() + colon + 1, text.data() + text.size(), query.after_id).ec != std::errc())
      invalid("The specified nextToken is invalid.");
  }
  // Rows are read a page at a time and matched here; a page reads at most kFilterScanLimit rows,
  // so a rare pattern over many events answers in pages (with nextToken), as AWS does.
  query.limit = kFilterScanLimit;
  const std::vector<LogEvent> rows = store_.events(query);
  Json list = Json::array();
  std::optional<std::pair<std::int64_t, std::int64_t>> resume;
  for (const LogEvent& e : rows) {
    if (list.size() == limit) {
      resume = {list.back()["timestamp"].get<std::int64_t>(), std::stoll(list.back()["eventId"].get<std::string>())};
      break;
    }
    if (!pattern.matches(e.message)) continue;
    list.push_back(Json{{"logStreamName", e.stream},
                        {"timestamp", e.timestamp_ms},
                        {"message", e.message},
                        {"ingestionTime", e.ingestion_ms},
                        {"eventId", std::to_string(e.id)}});
  }
  if (!resume && rows.size() == kFilterScanLimit) resume = {rows.back().timestamp_ms, rows.back().id};
  Json searched = Json::array();
  for (const auto& s : streams)
    if (query.streams.empty() || std::find(query.streams.begin(), query.streams.end(), s.name) != query.streams.end())
      searched.push_back(Json{{"logStreamName", s.name}, {"searchedCompletely", !resume}});
  Json out{{"events", list}, {"searchedLogStreams", searched}};
  if (resume) out["nextToken"] = base64_encode(std::to_string(resume->first) + ":" + std::to_string(resume->second));
  return out;
}

Json LogsApi::put_retention_policy(const Json& in) {
  const std::string group = text_field(in, "logGroupName", true);
  const auto days = integer_field(in, "retentionInDays", 0, 1, 3653);
  static constexpr int kAllowed[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                     365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  if (std::find(std::begin(kAllowed), std::end(kAllowed), days) == std::end(kAllowed))
    invalid("1 validation error detected: Value '" + std::to_string(days) +
            "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, "
            "14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  recorder_.flush();
  if (!store_.set_retention(group, static_cast<int>(days))) throw no_group();
  return Json::object();
}

Json LogsApi::delete_retention_policy(const Json& in) {
  const std::string group = text_field(in, "logGroupName", true);
  recorder_.flush();
  if (!store_.set_retention(group, 0)) throw no_group();
  return Json::object();
}

}  // namespace bf
