#include "emulator/app.h"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "emulator/http/server.h"
#include "emulator/s3/service.h"
#include "emulator/store/store.h"

namespace bf {

namespace {

void print_access_log(const AccessLogEntry& e) {
  static std::mutex mu;
  // request id, client, request line, operation, status, bytes in/out, duration
  std::lock_guard lock(mu);
  std::fprintf(stdout, "%s %s \"%s %s\" %s %d in=%llu out=%llu %.1fms\n",
               e.request.request_id.c_str(), e.request.remote_ip.c_str(), e.request.method.c_str(),
               e.request.target.c_str(), e.response.operation.c_str(), e.response.status,
               static_cast<unsigned long long>(e.bytes_in),
               static_cast<unsigned long long>(e.bytes_out), e.milliseconds);
  std::fflush(stdout);
}

}  // namespace

int serve(const ServeOptions& options) {
  SystemClock clock;
  CredentialStore credentials;
  credentials.add({options.access_key, options.secret_key, "default"});
  if (!options.credentials_file.empty()) {
    if (Status s = load_credentials_file(options.credentials_file, credentials); !s) {
      std::fprintf(stderr, "bucketfire: %s\n", s.message().c_str());
      return 2;
    }
  }
  auto store = open_sqlite_store({options.data_dir});
  if (!store) {
    std::fprintf(stderr, "bucketfire: cannot open data directory %s: %s\n",
                 options.data_dir.c_str(), store.error().message().c_str());
    return 1;
  }
  S3Service s3(S3Context{*store.value(), clock, options.region}, credentials);
  HttpServer server({options.bind_address, options.port, options.threads}, s3,
                    options.access_log ? HttpServer::AccessLog(print_access_log) : nullptr);
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bucketfire: cannot listen on %s:%u: %s\n", options.bind_address.c_str(),
                 options.port, e.what());
    return 1;
  }
  std::fprintf(stdout, "bucketfire listening on http://%s:%u\n", options.bind_address.c_str(), port);
  std::fflush(stdout);
  server.run();
  std::fprintf(stdout, "bucketfire stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace bf
