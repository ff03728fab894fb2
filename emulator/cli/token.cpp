// `bucketfire token`: a token the pipeline's HS256 JWT authorizer accepts.
#include <chrono>
#include <cstdio>

#include "emulator/api/jwt.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/pipeline/pipeline_config.h"

namespace bf::cli {

namespace {

struct TokenOptions {
  std::string config_file;
  std::string authorizer;     // "" picks the pipeline's one JWT authorizer with a secret
  std::string subject = "demo";
  std::string scope;          // space-separated, for routes that ask for scopes
  long expires_in = 3600;     // seconds
};

int print_token(const TokenOptions& options, const HandlerSet& handlers) {
  auto loaded = load_pipeline_file(options.config_file, handlers.names(), "us-east-1");
  if (auto* err = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "bucketfire: %s\n", err->c_str());
    return 2;
  }
  const PipelineConfig& pipeline = std::get<PipelineConfig>(loaded);
  // The named authorizer, else the first; either way a JWT one with a secret to sign with.
  const Authorizer* chosen = nullptr;
  for (const auto& [name, authorizer] : pipeline.authorizers) {
    if (authorizer.type == "jwt" && !authorizer.jwt.secret.empty() &&
        (options.authorizer.empty() || name == options.authorizer)) {
      chosen = &authorizer;
      break;
    }
  }
  if (!chosen) {
    std::fprintf(stderr, "bucketfire: %s has no JWT authorizer%s with a \"secret\" to sign with\n",
                 options.config_file.c_str(),
                 options.authorizer.empty() ? "" : (" named " + options.authorizer).c_str());
    return 2;
  }
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  Json claims = Json::object();
  if (!chosen->jwt.issuer.empty()) claims["iss"] = chosen->jwt.issuer;
  if (!chosen->jwt.audience.empty()) claims["aud"] = chosen->jwt.audience.front();
  claims["sub"] = options.subject;
  claims["iat"] = now;
  claims["exp"] = now + options.expires_in;
  if (!options.scope.empty()) claims["scope"] = options.scope;
  std::printf("%s\n", sign_jwt_hs256(claims, chosen->jwt.secret).c_str());
  return 0;
}

}  // namespace

int token_command(int argc, char** argv, const HandlerSet& handlers) {
  TokenOptions options;
  int rc = parse_flags(argc, argv, 2, [&](std::string_view flag, const std::string& value) {
    if (flag == "--config") options.config_file = value;
    else if (flag == "--authorizer") options.authorizer = value;
    else if (flag == "--subject") options.subject = value;
    else if (flag == "--scope") options.scope = value;
    else if (flag == "--expires-in") options.expires_in = std::stol(value);
    else return false;
    return true;
  });
  if (rc >= 0) return rc;
  if (options.config_file.empty()) return usage_error("token needs --config FILE");
  return print_token(options, handlers);
}

}  // namespace bf::cli
