#include "emulator/internal/internal_api.h"

#include <charconv>

#include "emulator/base/time.h"
#include "emulator/http/target.h"
#include "emulator/internal/object_report.h"
#include "sdk/json.h"
#include "sdk/sigv4.h"

namespace bf {

namespace {

HttpResponse json_reply(int status, const Json& body) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.body = to_text(body, 2) + "\n";
  return res;
}

HttpResponse error_reply(int status, const std::string& message) {
  return json_reply(status, Json{{"error", message}});
}

}  // namespace

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000; break;
    default: return std::nullopt;
  }
  std::int64_t n = 0;
  auto digits = text.substr(0, text.size() - 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || n < 0) return std::nullopt;
  if (n > 100 * 365 * 86400000LL / unit) return std::nullopt;  // a century is plenty
  return n * unit;
}

std::variant<CostQuery, std::string> parse_cost_query(const RequestTarget& target) {
  CostQuery query;
  auto time_of = [&](const char* name, std::optional<std::int64_t>& out) -> std::string {
    const std::string* value = target.query_param(name);
    if (!value) return "";
    std::string text = *value;
    if (text.size() == 10) text += "T00:00:00Z";  // a date alone: its midnight
    auto ms = parse_iso8601_prefix(text);
    if (!ms) return std::string(name) + " must look like 2026-01-31 or 2026-01-31T12:00:00Z";
    out = *ms;
    return "";
  };
  if (auto err = time_of("from", query.from_ms); !err.empty()) return err;
  if (auto err = time_of("to", query.to_ms); !err.empty()) return err;
  if (query.from_ms && query.to_ms && *query.to_ms <= *query.from_ms) return std::string("to must be after from");
  if (const std::string* scale = target.query_param("scale")) {
    double n = 0;
    auto [ptr, ec] = std::from_chars(scale->data(), scale->data() + scale->size(), n);
    if (ec != std::errc() || ptr != scale->data() + scale->size() || !(n > 0) || n > 1e12)
      return std::string("scale must be a positive number");
    query.scale = n;
  }
  if (const std::string* free = target.query_param("free_tier")) {
    if (*free == "true" || *free == "1")
      query.free_tier = true;
    else if (*free == "false" || *free == "0")
      query.free_tier = false;
    else
      return std::string("free_tier must be true or false");
  }
  return query;
}

InternalApi::InternalApi(InvocationLog& log, Outbox& outbox, BucketStore& buckets,
                         ObjectStore& objects, const Clock& clock,
                         VirtualClock* virtual_clock, AdvanceClock advance_clock, Gate gate)
    : log_(log), outbox_(outbox), buckets_(buckets), objects_(objects), clock_(clock), virtual_clock_(virtual_clock),
      advance_clock_(std::move(advance_clock)), gate_(std::move(gate)) {}

Dispatch InternalApi::begin(const HttpRequest& request) {
  Dispatch d;
  std::string refused = gate_ ? gate_(request) : "";
  d.response = refused.empty() ? handle(request) : error_reply(403, refused);
  d.response->operation = "bucketfire";
  return d;
}

namespace {

// /_bucketfire/console/ and its files; the folder without its slash moves to it, so the page's
// relative links resolve.
HttpResponse console_file(const std::string& path) {
  HttpResponse res;
  if (path == "/_bucketfire/console") {
    res.status = 302;
    res.set_header("Location", "/_bucketfire/console/");
    return res;
  }
  std::string_view name = std::string_view(path).substr(std::string_view("/_bucketfire/console/").size() - 1);
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  const ConsoleAsset* asset = console_asset(name.empty() ? "index.html" : name);
  if (!asset) {
    res.status = 404;
    res.set_header("Content-Type", "text/plain");
    res.body = "no such console file\n";
    return res;
  }
  res.set_header("Content-Type", std::string(asset->content_type));
  res.set_header("Cache-Control", "no-cache");
  res.body = std::string(asset->body);
  return res;
}

}  // namespace

HttpResponse InternalApi::handle(const HttpRequest& request) {
  const auto target = parse_target(request.target);
  if (!target) return error_reply(400, "the request target does not percent-decode");
  const std::string& path = target->path;
  auto param = [&](const char* name) -> std::string {
    const std::string* value = target->query_param(name);
    return value ? *value : "";
  };

  if ((path == "/metrics" || path == "/_bucketfire/metrics") && request.method == "GET" && metrics_) {
    HttpResponse res;
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.body = metrics_();
    return res;
  }
  if (traces_ && request.method == "GET" && (path == "/_bucketfire/traces" || path.starts_with("/_bucketfire/traces/"))) {
    if (path == "/_bucketfire/traces") {
      std::size_t limit = 100;
      if (auto l = param("limit"); !l.empty()) std::from_chars(l.data(), l.data() + l.size(), limit);
      Json summaries = Json::array();
      for (const auto& t : traces_->recent(std::min<std::size_t>(limit, 1000)))
        summaries.push_back(Json{{"Id", t.id}, {"StartTime", t.start}, {"Duration", t.end - t.start},
                                 {"Segments", t.segments}, {"HasError", t.error}, {"HasFault", t.fault}});
      return json_reply(200, Json{{"TraceSummaries", summaries}});
    }
    const std::string id = path.substr(std::string_view("/_bucketfire/traces/").size());
    const auto segments = traces_->segments(id);
    if (segments.empty()) return error_reply(404, "no such trace: " + id);
    double start = 1e300, end = 0;
    Json list = Json::array();
    for (const Json& s : segments) {
      start = std::min(start, s.value("start_time", 0.0));
      end = std::max(end, s.value("end_time", 0.0));
      list.push_back(Json{{"Id", s.value("id", "")}, {"Document", to_text(s)}});
    }
    return json_reply(200, Json{{"Traces", Json::array({Json{{"Id", id}, {"Duration", end - start},
                                                             {"LimitExceeded", false}, {"Segments", list}}})},
                                {"UnprocessedTraceIds", Json::array()}});
  }
  if (path == "/_bucketfire/architecture" && request.method == "GET" && architecture_)
    return json_reply(200, architecture_());
  if (path == "/_bucketfire/events" && request.method == "GET" && events_) return events_->open();
  if (path.starts_with("/_bucketfire/console") && request.method == "GET") return console_file(path);
  if (path == "/_bucketfire/health") {
    return json_reply(200, Json{{"status", "running"},
                                {"version", BUCKETFIRE_VERSION},
                                {"pendingEvents", outbox_.pending_event_count()}});
  }
  const std::string one_invocation = "/_bucketfire/invocations/";
  if (path.starts_with(one_invocation) && request.method == "GET") {
    auto record = log_.find(path.substr(one_invocation.size()));
    if (!record) return error_reply(404, "no such invocation is kept: " + path.substr(one_invocation.size()));
    Json item = invocation_json(*record);
    item["event"] = record->event;
    item["response"] = record->response;
    return json_reply(200, item);
  }
  if (path == "/_bucketfire/invocations" && request.method == "GET") {
    std::size_t limit = 100;
    if (auto l = param("limit"); !l.empty()) {
      auto [ptr, ec] = std::from_chars(l.data(), l.data() + l.size(), limit);
      if (ec != std::errc() || ptr != l.data() + l.size())
        return error_reply(400, "limit must be a number");
    }
    Json list = Json::array();
    for (const auto& r : log_.recent(param("function"), limit)) list.push_back(invocation_json(r));
    return json_reply(200, Json{{"invocations", list},
                                {"recursiveInvocationsDropped", log_.recursion_stopped.load()},
                                {"pendingEvents", outbox_.pending_event_count()}});
  }
  if (path == "/_bucketfire/objects" && request.method == "GET") {
    const std::string* host = request.header("Host");
    if (!download_credentials_ || !host) return object_report(buckets_, objects_, clock_, *target);
    // Path style on the host the console was loaded from; saved under the key's last name.
    return object_report(buckets_, objects_, clock_, *target, [&](const std::string& bucket, const std::string& key) {
      OutgoingRequest get;
      get.host = *host;
      get.path = "/" + bucket + "/" + key;
      std::string name = key.substr(key.rfind('/') + 1);
      for (char& c : name)
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
      get.query.emplace_back("response-content-disposition", "attachment; filename=\"" + name + "\"");
      return "http://" + *host +
             presign_sigv4(get, *download_credentials_, download_region_, "s3", std::chrono::system_clock::now(),
                           std::chrono::minutes(15));
    });
  }
  const std::string logs_prefix = "/_bucketfire/functions/";
  if (path.starts_with(logs_prefix) && path.ends_with("/logs") && request.method == "GET") {
    std::string name = path.substr(logs_prefix.size(), path.size() - logs_prefix.size() - 5);
    HttpResponse res;
    res.set_header("Content-Type", "text/plain; charset=utf-8");
    res.body = log_.function_log(name);
    return res;
  }
  if (path == "/_bucketfire/cost" && request.method == "GET" && cost_) {
    auto query = parse_cost_query(*target);
    if (auto* err = std::get_if<std::string>(&query)) return error_reply(400, *err);
    return json_reply(200, cost_->report(std::get<CostQuery>(query)));
  }
  if (path == "/_bucketfire/clock") {
    if (request.method == "POST") {
      if (!virtual_clock_)
        return error_reply(409, "the clock is real; start the server with --clock virtual to move it");
      auto by = parse_duration_ms(param("advance"));
      if (!by) return error_reply(400, "advance must look like 90s, 5m, 2h or 30d");
      if (advance_clock_)
        advance_clock_(std::chrono::milliseconds(*by));
      else
        virtual_clock_->advance(std::chrono::milliseconds(*by));
    }
    const std::int64_t now = clock_.now_ms();
    return json_reply(200, Json{{"now", iso8601_ms(now)}, {"nowMs", now}, {"virtual", virtual_clock_ != nullptr}});
  }
  return error_reply(404, "no such endpoint: " + path);
}

}  // namespace bf
