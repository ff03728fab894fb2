#include "emulator/app.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "emulator/base/time.h"
#include "emulator/api/jwt.h"
#include "emulator/auth/verify.h"
#include "emulator/auth/credentials.h"
#include "emulator/base/clock.h"
#include "sdk/uuid.h"
#include "emulator/events/dispatcher.h"
#include "emulator/events/s3_notifier.h"
#include "emulator/api/api_service.h"
#include "emulator/front_service.h"
#include "emulator/http/server.h"
#include "emulator/internal/internal_api.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/inprocess_transport.h"
#include "emulator/lambda/invoker.h"
#include "emulator/lambda/lambda_api.h"
#include "emulator/pipeline/pipeline_config.h"
#include "emulator/pipeline/sam_export.h"
#include "emulator/s3/owner.h"
#include "emulator/s3/service.h"
#include "emulator/store/store.h"
#include "handlers/catalog.h"
#include "sdk/s3_event.h"

namespace bf {

namespace {

void print_access_log(const AccessLogEntry& e) {
  static std::mutex mu;
  // request id, client, request line, operation, status, bytes in/out, duration
  std::lock_guard lock(mu);
  std::fprintf(stdout, "%s %s \"%s %s\" %s %d in=%llu out=%llu %.1fms%s\n",
               e.request.request_id.c_str(), e.request.remote_ip.c_str(), e.request.method.c_str(),
               e.request.target.c_str(), e.response.operation.c_str(), e.response.status,
               static_cast<unsigned long long>(e.bytes_in),
               static_cast<unsigned long long>(e.bytes_out), e.milliseconds,
               e.complete ? "" : " cut-off");
  std::fflush(stdout);
}

std::vector<std::string> handler_names(const HandlerCatalog& catalog) {
  std::vector<std::string> out;
  for (const auto& [name, handler] : catalog) out.push_back(name);
  return out;
}

// Everything but the HTTP listener: what `serve` runs behind its port and `invoke` runs alone.
class Emulator {
 public:
  Emulator(const ServeOptions& options, std::FILE* log_console)
      : options_(options), registry_(options.region, builtin_handlers()), log_(log_console) {
    clock_ = options.virtual_clock ? static_cast<Clock*>(&virtual_clock_) : &system_clock_;
  }

  ~Emulator() {
    // Invocations in flight call back into the dispatcher: stop taking new work, let the
    // workers finish, and only then take the dispatcher down.
    if (dispatcher_) dispatcher_->stop();
    if (external_) external_->kill_all();  // invocations in external processes end now
    invoker_.reset();
    dispatcher_.reset();
    external_.reset();
  }

  // Returns an error message, or empty on success.
  std::string open() {
    credentials_.add({options_.access_key, options_.secret_key, "default"});
    if (!options_.credentials_file.empty())
      if (Status s = load_credentials_file(options_.credentials_file, credentials_); !s)
        return s.message();
    if (!options_.config_file.empty()) {
      auto loaded = load_pipeline_file(options_.config_file, handler_names(registry_.handlers()),
                                       options_.region);
      if (auto* err = std::get_if<std::string>(&loaded)) return *err;
      pipeline_ = std::get<PipelineConfig>(std::move(loaded));
    }
    auto store = open_sqlite_store({options_.data_dir});
    if (!store)
      return "cannot open data directory " + options_.data_dir + ": " + store.error().message();
    store_ = std::move(store.value());

    notifier_ = std::make_unique<S3Notifier>(*store_, *clock_, options_.region, kAccountId);
    FunctionLookup lookup = [this](const std::string& arn) -> std::optional<std::string> {
      std::string name = registry_.resolve(arn);
      if (name.empty()) return std::nullopt;
      return name;
    };
    s3_ = std::make_unique<S3Service>(
        S3Context{*store_, *clock_, options_.region, notifier_.get(), lookup}, credentials_);
    invoker_ = std::make_unique<Invoker>(
        registry_, [this](const Context& ctx) { return s3_client([&ctx] { ctx.check_deadline(); }); },
        log_);
    external_ = std::make_unique<ExternalRuntimes>(
        ExternalSettings{options_.region, options_.access_key, options_.secret_key, "",
                         options_.data_dir == ":memory:" ? "" : options_.data_dir + "/functions"},
        log_);
    invoker_->set_external_runtimes(external_.get());
    lambda_ = std::make_unique<LambdaApi>(registry_, *invoker_, *store_, *clock_, credentials_,
                                          options_.region, external_.get());
    dispatcher_ = std::make_unique<Dispatcher>(
        *store_, *clock_, registry_, *invoker_, log_,
        [this](const std::string& bucket, const std::string& key, const std::string& body,
               const std::string& trace_header) {
          try {
            auto client = s3_client({});
            client->set_trace_header(trace_header);
            PutObjectOptions put;
            put.content_type = "application/json";
            client->put_object(bucket, key, body, put);
            return Status::ok();
          } catch (const std::exception& e) {
            return Status::io_error(e.what());
          }
        },
        DispatcherOptions{options_.time_scale});
    store_->on_enqueue([this] { dispatcher_->wake(); });
    internal_ = std::make_unique<InternalApi>(
        log_, *store_, *clock_, options_.virtual_clock ? &virtual_clock_ : nullptr,
        [this] { dispatcher_->wake(); }, internal_gate());
    RouteTable routes;
    for (const auto& r : pipeline_.routes) {
      std::string error;
      auto route = parse_route(r.route, error);
      route->function = r.function;
      route->authorizer = r.authorizer;
      route->scopes = r.scopes;
      route->limits = r.limits;
      routes.add(std::move(*route));
    }
    api_ = std::make_unique<ApiService>(std::move(routes), pipeline_.authorizers, registry_, *invoker_,
                                        credentials_, *clock_, options_.region);
    front_ = std::make_unique<FrontService>(*s3_, *lambda_, *internal_, *api_);
    if (std::string err = apply_pipeline(); !err.empty()) return err;
    // Functions and settings made through the Lambda API come back, and are kept from now on.
    for (const auto& problem : registry_.keep_in(*store_))
      std::fprintf(stderr, "bucketfire: a saved function was not restored: %s\n", problem.c_str());
    external_->remove_unused_code(registry_.list());
    return "";
  }

  // External functions reach S3 (and everything else) at this URL.
  // In-process handlers address it too, so the URLs they presign work for any client.
  void set_endpoint_for_functions(const std::string& url) {
    external_->set_endpoint_url(url);
    std::lock_guard lock(endpoint_mutex_);
    public_endpoint_ = parse_endpoint_url(url);
  }

  // Handlers' S3 calls go in-process, or over loopback HTTP once the port is known.
  void use_http_for_handlers(const std::string& host, const std::string& port) {
    http_endpoint_ = {false, host, port};
    http_transport_ = make_network_transport(http_endpoint_);
  }

  Service& front() { return *front_; }
  ApiService& api() { return *api_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  Invoker& invoker() { return *invoker_; }
  FunctionRegistry& registry() { return registry_; }
  const Clock& clock() const { return *clock_; }

 private:
  std::unique_ptr<S3Client> s3_client(std::function<void()> before_call) {
    S3ClientOptions opts;
    opts.region = options_.region;
    opts.credentials = {options_.access_key, options_.secret_key, ""};
    opts.path_style = true;
    std::shared_ptr<HttpTransport> transport;
    if (http_transport_) {
      opts.endpoint = http_endpoint_;
      transport = http_transport_;
    } else {
      {
        std::lock_guard lock(endpoint_mutex_);
        opts.endpoint = public_endpoint_;
      }
      std::call_once(inprocess_once_, [this] { inprocess_ = make_inprocess_transport(*front_); });
      transport = inprocess_;
    }
    return std::make_unique<S3Client>(std::move(transport), std::move(opts), std::move(before_call));
  }

  // /_bucketfire/ moves the clock and shows every function's logs: beyond loopback it takes
  // the same signed requests as S3.
  InternalApi::Gate internal_gate() {
    if (is_loopback_address(options_.bind_address)) return {};
    return [this](const HttpRequest& request) -> std::string {
      const auto target = parse_target(request.target);
      if (!target) return "Couldn't parse the specified URI.";
      auto auth = authenticate(SignedRequest{request, *target},
                               AuthSettings{credentials_, *clock_, options_.region, "s3", std::nullopt});
      if (!auth)
        return "this server listens beyond loopback: sign requests to /_bucketfire/ with its "
               "credentials (SigV4, service s3): " + auth.error().code + ": " + auth.error().message;
      return "";
    };
  }

  std::string apply_pipeline() {
    const std::int64_t now = clock_->now_ms();
    for (auto f : pipeline_.functions) {
      f.last_modified_ms = now;
      if (f.async.configured) f.async.last_modified_s = static_cast<double>(now) / 1000.0;
      if (auto err = registry_.put(std::move(f))) return *err;
    }
    for (const auto& b : pipeline_.buckets) {
      if (!store_->find_bucket(b.name)) {
        // (created below; destinations are checked once every declared bucket exists)
        Status s = store_->create_bucket({b.name, options_.region, now, "default"});
        if (!s && s.code() != Status::Code::AlreadyExists) return "cannot create bucket " + b.name + ": " + s.message();
      }
      if (!b.versioning.empty())
        if (Status s = store_->put_bucket_config(b.name, "versioning", b.versioning); !s) return s.message();
      if (!b.notifications.functions.empty())
        if (Status s = store_->put_bucket_config(b.name, kNotificationConfigName,
                                                 notification_to_xml(b.notifications));
            !s)
          return s.message();
    }
    for (const auto& f : pipeline_.functions)
      if (f.async.on_failure.is_bucket() && !store_->find_bucket(f.async.on_failure.bucket()))
        return "function " + f.name + ": on_failure bucket " + f.async.on_failure.bucket() +
               " does not exist (declare it under buckets)";
    return "";
  }

  ServeOptions options_;
  SystemClock system_clock_;
  VirtualClock virtual_clock_;
  Clock* clock_ = nullptr;
  CredentialStore credentials_;
  PipelineConfig pipeline_;
  FunctionRegistry registry_;
  InvocationLog log_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<S3Notifier> notifier_;
  std::unique_ptr<S3Service> s3_;
  std::unique_ptr<ExternalRuntimes> external_;
  std::unique_ptr<Invoker> invoker_;
  std::unique_ptr<LambdaApi> lambda_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<InternalApi> internal_;
  std::unique_ptr<ApiService> api_;
  std::unique_ptr<FrontService> front_;
  std::once_flag inprocess_once_;
  std::shared_ptr<HttpTransport> inprocess_;
  std::shared_ptr<HttpTransport> http_transport_;
  EndpointUrl http_endpoint_;
  std::mutex endpoint_mutex_;
  EndpointUrl public_endpoint_{false, "s3.localhost", "80"};  // until the server listens
};

}  // namespace

int serve(const ServeOptions& options) {
  // test/test is published in every guide to local AWS tools: beyond loopback it would let
  // anyone who can reach the port create functions, that is, run code on this machine.
  if (!is_loopback_address(options.bind_address) && options.access_key == "test" &&
      options.secret_key == "test") {
    std::fprintf(stderr,
                 "bucketfire: refusing to listen on %s with the published credentials test/test: "
                 "anyone who reaches the port could run code here. Pass --access-key KEY "
                 "--secret-key SECRET (a --credentials file adds principals but keeps the default "
                 "one), or bind 127.0.0.1.\n",
                 options.bind_address.c_str());
    return 2;
  }
  Emulator emulator(options, stdout);
  if (std::string err = emulator.open(); !err.empty()) {
    std::fprintf(stderr, "bucketfire: %s\n", err.c_str());
    return 2;
  }
  HttpServer server({options.bind_address, options.port, options.threads, options.send_timeout_s}, emulator.front(),
                    options.access_log ? HttpServer::AccessLog(print_access_log) : nullptr);
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bucketfire: cannot listen on %s:%u: %s\n", options.bind_address.c_str(),
                 options.port, e.what());
    return 1;
  }
  emulator.set_endpoint_for_functions(
      "http://" + (options.bind_address == "0.0.0.0" ? std::string("127.0.0.1") : options.bind_address) +
      ":" + std::to_string(port));
  if (options.handler_s3_http)
    emulator.use_http_for_handlers(options.bind_address == "0.0.0.0" ? "127.0.0.1" : options.bind_address,
                                   std::to_string(port));
  // Optionally the HTTP API routes on a port of their own, at its root (as an API Gateway
  // endpoint serves them); it stops with the main server.
  std::unique_ptr<ApiService::RoutesOnly> routes_only;
  std::unique_ptr<HttpServer> api_server;
  std::thread api_thread;
  if (options.api_port >= 0) {
    routes_only = std::make_unique<ApiService::RoutesOnly>(emulator.api());
    api_server = std::make_unique<HttpServer>(
        ServerOptions{options.bind_address, static_cast<std::uint16_t>(options.api_port), 4}, *routes_only,
        options.access_log ? HttpServer::AccessLog(print_access_log) : nullptr);
    try {
      const std::uint16_t api_port = api_server->listen();
      std::fprintf(stdout, "bucketfire HTTP API on http://%s:%u\n", options.bind_address.c_str(), api_port);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bucketfire: cannot listen on %s:%d: %s\n", options.bind_address.c_str(),
                   options.api_port, e.what());
      return 1;
    }
    api_thread = std::thread([&] { api_server->run(); });
  }
  emulator.dispatcher().start();
  std::fprintf(stdout, "bucketfire listening on http://%s:%u\n", options.bind_address.c_str(), port);
  std::fflush(stdout);
  server.run();
  if (api_server) {
    api_server->stop();
    api_thread.join();
  }
  std::fprintf(stdout, "bucketfire stopped\n");
  std::fflush(stdout);
  return 0;
}

int invoke_once(const InvokeOptions& options) {
  Emulator emulator(options.serve, stderr);
  if (std::string err = emulator.open(); !err.empty()) {
    std::fprintf(stderr, "bucketfire: %s\n", err.c_str());
    if (err.find("in use") != std::string::npos)
      std::fprintf(stderr, "bucketfire: a server owns that data directory; pass --endpoint "
                           "127.0.0.1:4566 to use it, or --data-dir :memory:\n");
    return 2;
  }
  if (!options.endpoint.empty()) {
    auto colon = options.endpoint.rfind(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "bucketfire: --endpoint must be host:port\n");
      return 2;
    }
    emulator.use_http_for_handlers(options.endpoint.substr(0, colon), options.endpoint.substr(colon + 1));
    emulator.set_endpoint_for_functions("http://" + options.endpoint);
  }
  std::string payload = "{}";
  if (!options.event_file.empty()) {
    std::stringstream text;
    if (options.event_file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(options.event_file);
      if (!in) {
        std::fprintf(stderr, "bucketfire: cannot read %s\n", options.event_file.c_str());
        return 2;
      }
      text << in.rdbuf();
    }
    payload = text.str();
    if (Json::parse(payload, nullptr, false).is_discarded()) {
      std::fprintf(stderr, "bucketfire: %s is not valid JSON\n", options.event_file.c_str());
      return 2;
    }
  }
  auto fn = emulator.registry().find(options.function);
  if (!fn) {
    // Not declared in a pipeline file: run the handler of that name with default settings.
    // It is not added to the registry, which would keep it in the data directory.
    if (!emulator.registry().handlers().count(options.function)) {
      std::fprintf(stderr, "bucketfire: no function or handler named %s (unknown handler \"%s\")\n",
                   options.function.c_str(), options.function.c_str());
      return 2;
    }
    FunctionConfig adhoc;
    adhoc.name = options.function;
    adhoc.handler = options.function;
    adhoc.last_modified_ms = emulator.clock().now_ms();
    fn = adhoc;
  }
  InvokeRequest req;
  req.function = *fn;
  req.payload = payload;
  req.request_id = new_uuid();
  req.trigger = "cli";
  InvokeResult result = emulator.invoker().run(std::move(req));
  std::fprintf(stdout, "%s\n", result.payload.c_str());
  std::fflush(stdout);
  return result.outcome == Outcome::Success ? 0 : 1;
}

int export_sam(const ExportOptions& options) {
  auto loaded = load_pipeline_file(options.config_file, handler_names(builtin_handlers()), "us-east-1");
  if (auto* err = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "bucketfire: %s\n", err->c_str());
    return 2;
  }
  const std::string text =
      to_text(sam_template(std::get<PipelineConfig>(loaded), SamOptions{options.packages_dir}), 2) + "\n";
  if (options.out_file.empty()) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  std::ofstream out(options.out_file);
  out << text;
  if (!out) {
    std::fprintf(stderr, "bucketfire: cannot write %s\n", options.out_file.c_str());
    return 1;
  }
  return 0;
}

int print_sample_s3_event(const SampleEventOptions& o) {
  S3EventRecord r;
  r.aws_region = o.region;
  r.event_time = iso8601_ms(SystemClock().now_ms());
  r.event_name = o.event_name;
  r.principal_id = "AWS:test";
  r.source_ip = "127.0.0.1";
  r.request_id = "C3D13FE58DE4C810";
  r.host_id = "C3D13FE58DE4C810";
  r.configuration_id = "sample";
  r.bucket_name = o.bucket;
  r.bucket_owner = canonical_user_id("default");
  r.bucket_arn = "arn:aws:s3:::" + o.bucket;
  r.key = o.key;
  if (o.event_name.starts_with("ObjectCreated:")) {
    r.size = o.size;
    r.etag = o.etag;
  }
  r.sequencer = "0055AED6DCD90281E5";
  std::fprintf(stdout, "%s\n", to_text(S3Event{{r}}.to_json(), 2).c_str());
  return 0;
}

}  // namespace bf

namespace bf {

int print_token(const TokenOptions& options) {
  auto loaded = load_pipeline_file(options.config_file, handler_names(builtin_handlers()), "us-east-1");
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

}  // namespace bf
