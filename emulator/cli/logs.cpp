// `bucketfire logs FUNCTION`: a function's log from a running server, read through its
// CloudWatch Logs API (FilterLogEvents on /aws/lambda/FUNCTION), each line with its time;
// --follow keeps printing new lines as they come, as `aws logs tail --follow` does.
#include <chrono>
#include <cstdio>
#include <optional>
#include <map>
#include <string>
#include <thread>

#include "emulator/base/time.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/cli/server_client.h"
#include "emulator/internal/internal_api.h"
#include "sdk/json.h"

namespace bf::cli {

namespace {

struct LogsOptions {
  std::string endpoint = "http://127.0.0.1:4566";
  std::string function;
  std::string filter;
  std::string since;  // "10m", "2h", "1d": of the server's clock; "" for everything kept
  bool follow = false;
};

// Reads everything from `start_ms` (pages of FilterLogEvents) and prints the events `printed`
// does not hold yet; returns the newest timestamp read, or nullopt (having said why) on failure.
std::optional<std::int64_t> print_new(ServerClient& server, const LogsOptions& options, std::int64_t start_ms,
                                      std::map<std::string, std::int64_t>& printed, bool& said_waiting) {
  std::string token;
  std::int64_t newest = start_ms;
  do {
    Json in{{"logGroupName", "/aws/lambda/" + options.function}, {"startTime", start_ms}};
    if (!options.filter.empty()) in["filterPattern"] = options.filter;
    if (!token.empty()) in["nextToken"] = token;
    OutgoingRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"X-Amz-Target", "Logs_20140328.FilterLogEvents"},
                       {"Content-Type", "application/x-amz-json-1.1"}};
    request.body = to_text(in);
    HttpReply reply;
    try {
      reply = server.send(std::move(request), "logs");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bucketfire: cannot reach %s: %s\n", server.endpoint().c_str(), e.what());
      return std::nullopt;
    }
    const Json out = Json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || !out.is_object()) {
      const std::string why = out.is_object() ? out.value("message", reply.body) : reply.body;
      if (out.is_object() && out.value("__type", "") == "ResourceNotFoundException" && options.follow) {
        // No line yet: the group appears with the function's first line. Or the function lives
        // in another region than the one signed for: say which, once.
        if (!said_waiting)
          std::fprintf(stderr, "bucketfire: no log group /aws/lambda/%s in %s yet; waiting for its first line "
                               "(a function of another region: set AWS_DEFAULT_REGION)\n",
                       options.function.c_str(), server.region().c_str());
        said_waiting = true;
        return newest;
      }
      std::fprintf(stderr, "bucketfire: %s: %s\n", options.function.c_str(), why.c_str());
      return std::nullopt;
    }
    for (const Json& e : out.value("events", Json::array())) {
      const std::string id = e.value("eventId", "");
      const std::int64_t ts = e.value("timestamp", std::int64_t{0});
      if (!printed.emplace(id, ts).second) continue;
      std::string message = e.value("message", "");
      if (message.ends_with('\n')) message.pop_back();
      std::printf("%s %s\n", iso8601_ms(ts).c_str(), message.c_str());
      newest = std::max(newest, ts);
    }
    std::fflush(stdout);
    token = out.value("nextToken", "");
  } while (!token.empty());
  return newest;
}

// The server's clock now (its virtual time when it runs one).
std::optional<std::int64_t> server_now_ms(ServerClient& server) {
  OutgoingRequest request;
  request.path = "/_bucketfire/clock";
  try {
    const Json clock = Json::parse(server.send(std::move(request), "s3").body, nullptr, false);
    if (clock.is_object() && clock.contains("nowMs")) return clock["nowMs"].get<std::int64_t>();
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

int run(const LogsOptions& options) {
  std::optional<ServerClient> server = server_at(options.endpoint);
  if (!server) return 2;
  std::int64_t start = 0;
  if (!options.since.empty()) {
    const auto now = server_now_ms(*server);
    if (!now) {
      std::fprintf(stderr, "bucketfire: cannot read the clock of %s\n", options.endpoint.c_str());
      return 1;
    }
    start = *now - *parse_duration_ms(options.since);
  }
  std::map<std::string, std::int64_t> printed;  // event id -> timestamp, of the newest millisecond
  bool said_waiting = false;
  for (;;) {
    const auto newest = print_new(*server, options, start, printed, said_waiting);
    if (!newest) return 1;
    if (!options.follow) return 0;
    // Events at the newest time may still be joined by others of that millisecond: read from
    // it again; the ids already printed are skipped.
    start = *newest;
    std::erase_if(printed, [&](const auto& entry) { return entry.second < start; });
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int logs_command(int argc, char** argv) {
  LogsOptions options;
  if (argc < 3 || std::string_view(argv[2]).starts_with("-")) return usage_error("logs needs a function name");
  options.function = argv[2];
  const int rc = parse_flags(
      argc, argv, 3,
      [&](std::string_view flag, const std::string& value) {
        if (flag == "--endpoint") {
          options.endpoint = value;
        } else if (flag == "--filter") {
          options.filter = value;
        } else if (flag == "--since") {
          if (!parse_duration_ms(value)) throw std::invalid_argument("--since looks like 90s, 10m, 2h or 1d");
          options.since = value;
        } else {
          return false;
        }
        return true;
      },
      {{"--follow", &options.follow}});
  if (rc >= 0) return rc;
  return run(options);
}

}  // namespace bf::cli
