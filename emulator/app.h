// The composition root: builds the clock, store, credentials, services and HTTP server.
#pragma once
#include <cstdint>
#include <string>

namespace bf {

struct ServeOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 4566;
  std::string data_dir = "./.bucketfire";
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string credentials_file;
  std::string region = "us-east-1";
  int threads = 0;
  bool access_log = true;
};

// Runs until SIGINT/SIGTERM; returns the process exit code.
int serve(const ServeOptions& options);

}  // namespace bf
