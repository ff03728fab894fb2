// AWS SDKs put some operations' parameters in front of the endpoint's host name:
// WriteGetObjectResponse goes to "{RequestRoute}.{endpoint}", S3 Control to
// "{AccountId}.{endpoint}". With a function's endpoint at 127.0.0.1 those names
// ("io-1a2b.127.0.0.1") resolve nowhere, so unmodified function code could not answer an Object
// Lambda request. What a function's environment gets so that it can:
// - botocore (boto3, the aws CLI) and Ruby's SDK read AWS_DISABLE_HOST_PREFIX_INJECTION and then
//   send the parameter only in its header (x-amz-request-route, x-amz-account-id), which is all
//   the server reads;
// - the JS SDK has no such setting, so every Node process is started with a small module
//   (NODE_OPTIONS=--require) under which a name ending in the endpoint's host resolves as that
//   host does.
// And one more thing unmodified code needs to stream a WriteGetObjectResponse body: botocore
// signs every S3 body it sends over plain HTTP (over AWS's HTTPS it does not), so it reads the
// body whole first and fails on a stream it cannot rewind. Its config file
// (AWS_CONFIG_FILE, s3.payload_signing_enabled = false) makes it send UNSIGNED-PAYLOAD, which
// S3 takes, as it does over HTTPS.
#pragma once
#include <map>
#include <string>

namespace bf {

// The files those settings point at; a path is "" when its file could not be written.
struct SdkSupportFiles {
  std::string node_module;
  std::string botocore_config;
};

// Writes the Node module and botocore's config file into `folder` (created if need be).
SdkSupportFiles write_sdk_support_files(const std::string& folder);

// Adds the settings above to a function's environment, keeping any the function sets itself
// (a NODE_OPTIONS of its own keeps its options, with the module required first; an
// AWS_CONFIG_FILE of its own is its own).
void add_host_prefix_settings(std::map<std::string, std::string>& env, const SdkSupportFiles& files);

}  // namespace bf
