#include "emulator/lambda/host_prefixes.h"

#include <filesystem>
#include <fstream>

namespace bf {

namespace {

// CommonJS, so that `--require` loads it before the function's own code, ES module or not.
// Node's sockets look names up through dns.lookup, read from the module at each connect.
constexpr const char* kNodeModule = R"js(// Written by bucketfire; loaded into the Node processes of its functions.
// AWS SDKs put request parameters in front of the endpoint's host name
// ("io-1a2b.127.0.0.1" for WriteGetObjectResponse): such names resolve as the endpoint's host.
"use strict";
const dns = require("node:dns");
const url = process.env.AWS_ENDPOINT_URL || "";
let endpointHost = "";
try {
  endpointHost = url ? new URL(url).hostname.replace(/^\[|\]$/g, "") : "";
} catch (e) {
  endpointHost = "";
}
if (endpointHost) {
  const suffix = "." + endpointHost.toLowerCase();
  const lookup = dns.lookup;
  dns.lookup = function lookupWithHostPrefix(hostname, ...rest) {
    if (typeof hostname === "string" && hostname.toLowerCase().endsWith(suffix)) hostname = endpointHost;
    return lookup.call(this, hostname, ...rest);
  };
}
)js";

// botocore reads the s3 section of its config file into every S3 client's settings.
constexpr const char* kBotocoreConfig = R"ini(# Written by bucketfire for the processes of its functions.
[default]
s3 =
    payload_signing_enabled = false
)ini";

std::string write_file(const std::string& path, const char* text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return out.good() ? path : "";
}

}  // namespace

SdkSupportFiles write_sdk_support_files(const std::string& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  return SdkSupportFiles{write_file(folder + "/host-prefixes.cjs", kNodeModule),
                         write_file(folder + "/aws-config", kBotocoreConfig)};
}

void add_host_prefix_settings(std::map<std::string, std::string>& env, const SdkSupportFiles& files) {
  env.emplace("AWS_DISABLE_HOST_PREFIX_INJECTION", "true");
  if (!files.botocore_config.empty()) env.emplace("AWS_CONFIG_FILE", files.botocore_config);
  if (files.node_module.empty()) return;
  const std::string require = "--require \"" + files.node_module + "\"";
  auto [it, added] = env.emplace("NODE_OPTIONS", require);
  if (!added) it->second = require + " " + it->second;
}

}  // namespace bf
