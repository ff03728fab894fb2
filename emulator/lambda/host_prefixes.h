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
#pragma once
#include <map>
#include <string>

namespace bf {

// Writes the Node module into `folder` (created if need be); returns its path, "" on failure.
std::string write_node_host_prefix_module(const std::string& folder);

// Adds the settings above to a function's environment, keeping any the function sets itself
// (a NODE_OPTIONS of its own keeps its options, with the module required first).
void add_host_prefix_settings(std::map<std::string, std::string>& env, const std::string& node_module);

}  // namespace bf
