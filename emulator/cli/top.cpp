// `bucketfire top`: the live counters of a running server in the terminal, for people without
// a browser: per function its invocations, errors, throttles and running invocations; per S3
// operation its requests and their rate; the event queue; what each bucket stores. It reads
// GET /_bucketfire/metrics every --interval seconds (--once: one snapshot, no rates).
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "emulator/base/time.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/cli/server_client.h"

namespace bf::cli {

namespace {

struct TopOptions {
  std::string endpoint = "http://127.0.0.1:4566";
  int interval_s = 2;
  bool once = false;
};

// One scrape: each sample by its name and labels.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

std::vector<Sample> parse_metrics(const std::string& text) {
  static const std::regex line_re(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$)");
  static const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  std::vector<Sample> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    std::smatch m;
    if (line.empty() || line[0] == '#' || !std::regex_match(line, m, line_re)) continue;
    Sample s;
    s.name = m[1];
    const std::string labels = m[2];
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label_re); it != std::sregex_iterator(); ++it)
      s.labels[(*it)[1]] = (*it)[2];
    s.value = std::strtod(m[3].str().c_str(), nullptr);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<std::vector<Sample>> scrape(ServerClient& server) {
  OutgoingRequest request;
  request.path = "/_bucketfire/metrics";
  try {
    HttpReply reply = server.send(std::move(request), "s3");
    if (reply.status == 200) return parse_metrics(reply.body);
    std::fprintf(stderr, "bucketfire: %s answered %d: %s\n", server.endpoint().c_str(), reply.status, reply.body.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bucketfire: cannot reach %s: %s\n", server.endpoint().c_str(), e.what());
  }
  return std::nullopt;
}

void print_view(const std::vector<Sample>& now, const std::vector<Sample>* before, double seconds,
                const std::string& endpoint) {
  struct Function {
    double invocations = 0, errors = 0, throttles = 0, running = 0;
  };
  std::map<std::string, Function> functions;
  std::map<std::string, double> requests, requests_before;
  double pending = 0, delivered = 0;
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> storage;  // objects, bytes
  auto count_requests = [](const std::vector<Sample>& samples, std::map<std::string, double>& into) {
    for (const auto& s : samples)
      if (s.name == "bucketfire_s3_requests_total") into[s.labels.at("operation")] += s.value;
  };
  count_requests(now, requests);
  if (before) count_requests(*before, requests_before);
  for (const auto& s : now) {
    if (s.name == "bucketfire_lambda_invocations_total") {
      Function& f = functions[s.labels.at("function")];
      const std::string& outcome = s.labels.at("outcome");
      f.invocations += s.value;
      if (outcome == "Throttled") f.throttles += s.value;
      else if (outcome != "Success") f.errors += s.value;
    } else if (s.name == "bucketfire_lambda_concurrent_executions") {
      functions[s.labels.at("function")].running = s.value;
    } else if (s.name == "bucketfire_events_pending") {
      pending = s.value;
    } else if (s.name == "bucketfire_events_delivered_total") {
      delivered = s.value;
    } else if (s.name == "bucketfire_storage_objects") {
      storage[{s.labels.at("bucket"), s.labels.at("storage_class")}].first = s.value;
    } else if (s.name == "bucketfire_storage_bytes") {
      storage[{s.labels.at("bucket"), s.labels.at("storage_class")}].second = s.value;
    }
  }
  std::printf("bucketfire top: %s at %s\n\n", endpoint.c_str(),
              iso8601_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count())
                  .c_str());
  std::printf("%-32s %12s %8s %10s %8s\n", "function", "invocations", "errors", "throttles", "running");
  for (const auto& [name, f] : functions)
    std::printf("%-32s %12.0f %8.0f %10.0f %8.0f\n", name.c_str(), f.invocations, f.errors, f.throttles, f.running);
  std::printf("\n%-32s %12s %10s\n", "S3 operation", "requests", "per second");
  for (const auto& [operation, total] : requests) {
    if (before && seconds > 0)
      std::printf("%-32s %12.0f %10.1f\n", operation.c_str(), total, (total - requests_before[operation]) / seconds);
    else
      std::printf("%-32s %12.0f %10s\n", operation.c_str(), total, "-");
  }
  std::printf("\nevents: %.0f pending, %.0f delivered\n", pending, delivered);
  std::printf("\n%-32s %-20s %10s %14s\n", "bucket", "storage class", "objects", "bytes");
  for (const auto& [where, amounts] : storage)
    std::printf("%-32s %-20s %10.0f %14.0f\n", where.first.c_str(), where.second.c_str(), amounts.first,
                amounts.second);
  std::fflush(stdout);
}

}  // namespace

int top_command(int argc, char** argv) {
  TopOptions options;
  const int rc = parse_flags(
      argc, argv, 2,
      [&](std::string_view flag, const std::string& value) {
        if (flag == "--endpoint") {
          options.endpoint = value;
        } else if (flag == "--interval") {
          options.interval_s = std::stoi(value);
          if (options.interval_s < 1 || options.interval_s > 3600) throw std::invalid_argument("1 to 3600 seconds");
        } else {
          return false;
        }
        return true;
      },
      {{"--once", &options.once}});
  if (rc >= 0) return rc;
  std::optional<ServerClient> server = server_at(options.endpoint);
  if (!server) return 2;
  std::optional<std::vector<Sample>> before;
  auto taken = std::chrono::steady_clock::now();
  for (;;) {
    auto now = scrape(*server);
    if (!now) return 1;
    const auto at = std::chrono::steady_clock::now();
    if (!options.once) std::fputs("\033[H\033[2J", stdout);  // clear the terminal for the new view
    print_view(*now, before ? &*before : nullptr, std::chrono::duration<double>(at - taken).count(), options.endpoint);
    if (options.once) return 0;
    before = std::move(now);
    taken = at;
    std::this_thread::sleep_for(std::chrono::seconds(options.interval_s));
  }
}

}  // namespace bf::cli
