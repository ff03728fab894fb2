#include "emulator/app/emulator.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <mutex>
#include <thread>

#include "emulator/api/api_service.h"
#include "emulator/app/architecture.h"
#include "emulator/app/front_service.h"
#include "emulator/app/server_metrics.h"
#include "emulator/app/tracing.h"
#include "emulator/auth/credentials.h"
#include "emulator/auth/verify.h"
#include "emulator/batch/job_runner.h"
#include "emulator/events/dispatcher.h"
#include "emulator/events/s3_notifier.h"
#include "emulator/http/server.h"
#include "emulator/internal/internal_api.h"
#include "emulator/lifecycle/restore_jobs.h"
#include "emulator/lifecycle/midnight_run.h"
#include "emulator/lifecycle/timekeeper.h"
#include "emulator/lambda/arn.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/inprocess_transport.h"
#include "emulator/lambda/invoker.h"
#include "emulator/lambda/lambda_api.h"
#include "emulator/logs/log_recorder.h"
#include "emulator/logs/logs_api.h"
#include "emulator/metering/cost_report.h"
#include "emulator/metering/usage_recorder.h"
#include "emulator/pipeline/pipeline_config.h"
#include "emulator/s3/access_points.h"
#include "emulator/s3/bucket_policy.h"
#include "emulator/s3/object_lambda_access_points.h"
#include "emulator/s3/object_lambda_requests.h"
#include "emulator/s3/service.h"
#include "emulator/s3/usage_billing.h"
#include "emulator/s3control/s3control_service.h"
#include "emulator/store/store.h"
#include "sdk/uuid.h"

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

std::vector<std::string> names_of(const HandlerCatalog& catalog) {
  std::vector<std::string> out;
  for (const auto& [name, handler] : catalog) out.push_back(name);
  return out;
}

}  // namespace

std::vector<std::string> HandlerSet::names() const { return names_of(catalog); }

namespace {
// The control-plane document kind the virtual clock's offset is kept under.
constexpr const char* kClockDocument = "clock";
}  // namespace

struct Emulator::Impl {
  Impl(ServeOptions options, HandlerSet handlers, std::FILE* log_console)
      : options_(std::move(options)), registry_(options_.region, std::move(handlers.catalog)), log_(log_console) {
    log_.on_add([this](const InvocationRecord& record) {
      metrics_.record_invocation(record);
      tracing_.invocation_done(record);
    });
    clock_ = options_.virtual_clock ? static_cast<Clock*>(&virtual_clock_) : &system_clock_;
  }

  ~Impl() {
    event_streams_.reset();  // streams that never end on their own end before the server goes
    api_server_.reset();
    server_.reset();
    // Invocations in flight call back into the dispatcher: stop taking new work, let the
    // workers finish, and only then take the dispatcher down.
    if (timekeeper_) timekeeper_->stop();
    if (jobs_) jobs_->stop();
    if (dispatcher_) dispatcher_->stop();
    if (external_) external_->kill_all();  // invocations in external processes end now
    object_lambda_routes_.wait_for_invocations();  // Object Lambda functions still streaming
    invoker_.reset();
    dispatcher_.reset();
    external_.reset();
    log_recorder_.reset();  // nothing writes lines any more: store what is still in memory
  }

  // Returns an error message, or empty on success.
  std::string open() {
    credentials_.add({options_.access_key, options_.secret_key, "default"});
    if (!options_.credentials_file.empty())
      if (Status s = load_credentials_file(options_.credentials_file, credentials_); !s)
        return s.message();
    if (!options_.config_file.empty()) {
      auto loaded = load_pipeline_file(options_.config_file, names_of(registry_.handlers()),
                                       options_.region);
      if (auto* err = std::get_if<std::string>(&loaded)) return *err;
      pipeline_ = std::get<PipelineConfig>(std::move(loaded));
    }
    auto store = open_sqlite_store({options_.data_dir});
    if (!store)
      return "cannot open data directory " + options_.data_dir + ": " + store.error().message();
    store_ = std::move(store.value());
    if (options_.virtual_clock) restore_virtual_clock();
    if (std::string err = open_metering(); !err.empty()) return err;
    // Every line a function writes also goes to its CloudWatch Logs group.
    log_recorder_ = std::make_unique<LogRecorder>(store_->logs(), *clock_, options_.log_retention_days);
    log_.on_line([this](const std::string& function, std::string_view line) {
      if (LogRecorder* logs = log_recorder_.get()) logs->line(function, line);
    });
    // A function's log group lives in the function's region.
    auto group_region = [this](const std::string& group) -> std::string {
      const std::string_view prefix = "/aws/lambda/";
      if (!group.starts_with(prefix)) return "";
      const auto fn = registry_.find(group.substr(prefix.size()));
      return fn ? fn->region : "";
    };
    logs_api_ = std::make_unique<LogsApi>(store_->logs(), *log_recorder_, credentials_, options_.region, kAccountId,
                                          real_clock(), group_region);

    notifier_ = std::make_unique<S3Notifier>(*clock_, options_.region, kAccountId);
    FunctionLookup lookup = [this](const std::string& arn) -> std::optional<std::string> {
      const std::string name = registry_.resolve(arn);
      const auto fn = name.empty() ? std::nullopt : registry_.find(name);
      if (!fn) return std::nullopt;
      return fn->region;
    };
    access_points_ = std::make_unique<AccessPoints>(store_->documents(), kAccountId);
    object_lambda_ =
        std::make_unique<ObjectLambdaAccessPoints>(store_->documents(), *access_points_, kAccountId);
    // Object Lambda runs its function synchronously, as the Invoke API does.
    object_lambda_invoke_ = [this](const std::string& arn, const std::string& event) {
      ObjectLambdaInvocation out;
      const std::string name = registry_.resolve(arn);
      const auto function = name.empty() ? std::nullopt : registry_.find(name);
      if (!function) {
        out.not_found = true;
        return out;
      }
      InvokeResult result = invoker_->run(invocation_of(*function, event, new_uuid(), "s3-object-lambda"));
      if (result.outcome != Outcome::Success) {
        out.error_type = result.error_type.empty() ? "Unhandled" : result.error_type;
        out.error_message = result.error_message;
      } else {
        out.payload = std::move(result.payload);
      }
      return out;
    };
    object_lambda_world_ = std::make_unique<ObjectLambdaWorld>(
        ObjectLambdaWorld{object_lambda_routes_, object_lambda_invoke_, credentials_, options_.region, kAccountId});
    S3Context s3_context{store_->buckets(), store_->objects(), *clock_, options_.region, notifier_.get(), lookup, nullptr,
                         nullptr, recorder_.get(), access_points_.get(), object_lambda_.get(), object_lambda_world_.get()};
    s3_context.legacy_bucket_defaults = options_.legacy_bucket_defaults;
    s3_ = std::make_unique<S3Service>(std::move(s3_context), credentials_);
    invoker_ = std::make_unique<Invoker>(
        registry_,
        [this](const Context& ctx) {
          // A handler's SDK signs for the region its function lives in, as Lambda's AWS_REGION says.
          const auto ref = parse_function_ref(ctx.function_arn());
          return s3_client([&ctx] { ctx.check_deadline(); }, ref ? ref->region : "");
        },
        log_);
    external_ = std::make_unique<ExternalRuntimes>(
        ExternalSettings{options_.region, options_.access_key, options_.secret_key, "",
                         options_.data_dir == ":memory:" ? "" : options_.data_dir + "/functions"},
        log_);
    invoker_->set_external_runtimes(external_.get());
    invoker_->set_meter(recorder_.get());
    lambda_ = std::make_unique<LambdaApi>(registry_, *invoker_, store_->outbox(), store_->buckets(),
                                          store_->objects(), *clock_, credentials_, options_.region,
                                          external_.get());
    dispatcher_ = std::make_unique<Dispatcher>(
        store_->outbox(), *clock_, registry_, *invoker_, log_,
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
    store_->outbox().on_enqueue([this] { dispatcher_->wake(); });
    // Restores complete and lapse, and lifecycle rules run each midnight, on the server's clock.
    timekeeper_ = std::make_unique<Timekeeper>(store_->timers(), *clock_,
                                               options_.virtual_clock ? &virtual_clock_ : nullptr);
    timer_buckets_ = std::make_unique<BucketViews>(store_->buckets());
    handle_restore_timers(*timekeeper_, store_->objects(), *timer_buckets_, notifier_.get());
    handle_midnight_runs(*timekeeper_, StoredWorld{store_->objects(), store_->buckets(), *timer_buckets_,
                                                   store_->timers(), *clock_, notifier_.get(), recorder_.get()});
    store_->timers().on_add([this] { timekeeper_->wake(); });
    internal_ = std::make_unique<InternalApi>(
        log_, store_->outbox(), store_->buckets(), store_->objects(), *clock_,
        options_.virtual_clock ? &virtual_clock_ : nullptr,
        [this](std::chrono::milliseconds by) {
          // Events run at each stop on the way, so none ages out while the clock jumps.
          Timekeeper::Companion events{
              [this](std::int64_t after) { return store_->outbox().next_due_ms(after); },
              [this] { dispatcher_->settle(std::chrono::seconds(30)); },
              [this] { save_virtual_clock(); }};
          timekeeper_->advance(by, events);
          dispatcher_->wake();
        },
        internal_gate());
    internal_->set_cost_reporter(cost_.get());
    internal_->set_metrics([this] { return metrics_.render(*invoker_, store_->outbox(), store_->objects()); });
    internal_->set_traces(&tracing_.store());
    internal_->set_downloads({options_.access_key, options_.secret_key, ""}, options_.region);
    event_streams_ = std::make_unique<EventStreams>(
        log_, [this] { return metrics_.console_counters(*invoker_, store_->outbox(), store_->objects()); },
        [this] { return server_ && server_->stopping(); });
    internal_->set_event_streams(event_streams_.get());
    internal_->set_architecture([this] {
      return architecture_of(ArchitectureSources{pipeline_.routes, registry_.list(), store_->buckets().list_buckets(),
                                                 *timer_buckets_, access_points_->list(), object_lambda_->list(),
                                                 jobs_ ? jobs_->list() : std::vector<Job>{}});
    });
    RouteTable routes;
    for (const auto& route : pipeline_.routes) routes.add(route);
    api_ = std::make_unique<ApiService>(std::move(routes), pipeline_.authorizers, registry_, *invoker_,
                                        credentials_, *clock_, options_.region);
    api_->set_meter(recorder_.get());
    // Batch Operations jobs write through S3 as any client does, and invoke as the dispatcher does.
    jobs_ = std::make_unique<JobRunner>(
        BatchWorld{store_->documents(), store_->job_tasks(), store_->objects(), store_->buckets(), *clock_,
                   [this] { return s3_client({}); }, *invoker_, registry_, options_.region, kAccountId},
        BatchOptions{.concurrency = options_.batch_concurrency});
    s3control_ = std::make_unique<S3ControlService>(*jobs_, *access_points_, *object_lambda_, store_->buckets(),
                                                    credentials_, *clock_, options_.region, kAccountId);
    front_ = std::make_unique<FrontService>(*s3_, *lambda_, *internal_, *api_, *s3control_, *logs_api_);
    if (std::string err = apply_pipeline(); !err.empty()) return err;
    // Functions and settings made through the Lambda API come back, and are kept from now on.
    for (const auto& problem : registry_.keep_in(store_->documents()))
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

  Invoker& invoker() { return *invoker_; }
  FunctionRegistry& registry() { return registry_; }
  const Clock& clock() const { return *clock_; }

  // A request answered, over the network or in-process: S3's are counted, traced ones recorded.
  void request_done(const HttpRequest& request, const HttpResponse& response, double milliseconds) {
    const char* traced = front_->traced_as(request);
    if (!traced) return;
    if (traced[0] == 'S') metrics_.record_s3_request(response, milliseconds);
    tracing_.request_done(traced, request, response, milliseconds);
  }

  // The HTTP side of `serve`: the main port, and optionally the HTTP API routes on a port of
  // their own, at its root (as an API Gateway endpoint serves them).
  Result<std::uint16_t> listen() {
    // Every request's end feeds the metrics and traces; the access log prints it when asked to.
    HttpServer::AccessLog access_log = [this, print = options_.access_log](const AccessLogEntry& e) {
      request_done(e.request, e.response, e.milliseconds);
      if (print) print_access_log(e);
    };
    server_ = std::make_unique<HttpServer>(
        ServerOptions{options_.bind_address, options_.port, options_.threads, options_.send_timeout_s},
        *front_, access_log);
    std::uint16_t port = 0;
    try {
      port = server_->listen();
    } catch (const std::exception& e) {
      return Status::io_error("cannot listen on " + options_.bind_address + ":" +
                              std::to_string(options_.port) + ": " + e.what());
    }
    const std::string host = options_.bind_address == "0.0.0.0" ? "127.0.0.1" : options_.bind_address;
    set_endpoint_for_functions("http://" + host + ":" + std::to_string(port));
    if (options_.handler_s3_http) use_http_for_handlers(host, std::to_string(port));
    if (options_.api_port >= 0) {
      routes_only_ = std::make_unique<ApiService::RoutesOnly>(*api_);
      api_server_ = std::make_unique<HttpServer>(
          ServerOptions{options_.bind_address, static_cast<std::uint16_t>(options_.api_port), 4},
          *routes_only_, options_.access_log ? HttpServer::AccessLog(print_access_log) : nullptr);
      try {
        const std::uint16_t api_port = api_server_->listen();
        std::fprintf(stdout, "bucketfire HTTP API on http://%s:%u\n", options_.bind_address.c_str(), api_port);
      } catch (const std::exception& e) {
        return Status::io_error("cannot listen on " + options_.bind_address + ":" +
                                std::to_string(options_.api_port) + ": " + e.what());
      }
    }
    return port;
  }

  void serve() {
    std::thread api_thread;
    if (api_server_) api_thread = std::thread([this] { api_server_->run(); });
    dispatcher_->start();
    timekeeper_->start();
    jobs_->start();
    server_->run();
    if (api_server_) {
      api_server_->stop();
      api_thread.join();
    }
  }

  void stop() {
    if (server_) server_->stop();
  }

 private:
  std::unique_ptr<S3Client> s3_client(std::function<void()> before_call, const std::string& region = "") {
    S3ClientOptions opts;
    opts.region = region.empty() ? options_.region : region;
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
      std::call_once(inprocess_once_, [this] {
        // Handlers' own S3 calls are counted and join their invocation's trace, as network
        // requests do.
        inprocess_ = make_inprocess_transport(
            *front_, [this](const HttpRequest& req, const HttpResponse& res, double ms) { request_done(req, res, ms); });
      });
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
      AuthSettings settings{credentials_, real_clock(), options_.region, "s3", std::nullopt};
      settings.any_region = true;  // as every other request here
      auto auth = authenticate(SignedRequest{request, *target}, settings);
      if (!auth)
        return "this server listens beyond loopback: sign requests to /_bucketfire/ with its "
               "credentials (SigV4, service s3): " + auth.error().code + ": " + auth.error().message;
      return "";
    };
  }

  // Usage is metered from the start: stored bytes by the store's own writes, requests and
  // invocations by the recorder; the cost report prices them with the built-in table or
  // --prices FILE.
  std::string open_metering() {
    PriceTable prices = builtin_price_table(options_.region);
    if (!options_.prices_file.empty()) {
      std::ifstream in(options_.prices_file);
      if (!in) return "cannot read the price table " + options_.prices_file;
      std::stringstream text;
      text << in.rdbuf();
      auto parsed = parse_price_table(text.str());
      if (auto* err = std::get_if<std::string>(&parsed)) return options_.prices_file + ": " + *err;
      prices = std::get<PriceTable>(std::move(parsed));
    }
    storage_billing_ = std::make_unique<S3StorageBilling>(*clock_);
    store_->usage().bill_storage_with(storage_billing_.get());
    recorder_ = std::make_unique<UsageRecorder>(store_->usage(), *clock_);
    cost_ = std::make_unique<CostReporter>(store_->usage(), *recorder_, *clock_, std::move(prices),
                                           options_.free_tier);
    return "";
  }

  // The virtual clock keeps its time across restarts (and kill -9): how far it is ahead of real
  // time is saved at each stop of an advance, before the work due then runs, so the stored
  // world never has anything later than the clock a restarted server reads.
  void restore_virtual_clock() {
    for (const auto& [name, document] : store_->documents().list_documents(kClockDocument)) {
      const Json saved = Json::parse(document, nullptr, false);
      if (name == "virtual" && saved.is_object() && saved.value("offset_ms", Json()).is_number_integer())
        virtual_clock_.set_offset_ms(saved["offset_ms"].get<std::int64_t>());
    }
  }

  void save_virtual_clock() {
    const Json saved{{"offset_ms", virtual_clock_.offset_ms()}};
    if (Status s = store_->documents().put_document(kClockDocument, "virtual", to_text(saved)); !s)
      std::fprintf(stderr, "bucketfire: the virtual clock's time was not saved: %s\n", s.message().c_str());
  }

  // A declared bucket's lifecycle and Intelligent-Tiering configurations. One unchanged since
  // the last start keeps when it was put, so the next midnight run reads only what fell due.
  std::string apply_bucket_rules(const BucketDeclaration& b, std::int64_t now) {
    BucketStore& buckets = store_->buckets();
    if (b.lifecycle) {
      LifecycleConfig config = *b.lifecycle;
      config.configured_ms = now;
      const auto stored_doc = buckets.get_bucket_config(b.name, kLifecycleConfigName);
      const auto stored = stored_doc ? lifecycle_from_document(*stored_doc) : nullptr;
      if (stored && lifecycle_to_xml(*stored) == lifecycle_to_xml(config) &&
          stored->transition_minimum_size == config.transition_minimum_size)
        config.configured_ms = stored->configured_ms;
      if (Status s = buckets.put_bucket_config(b.name, kLifecycleConfigName, lifecycle_document(config)); !s)
        return s.message();
    }
    if (!b.intelligent_tiering.empty()) {
      const auto stored_doc = buckets.get_bucket_config(b.name, kTieringConfigName);
      const auto stored = stored_doc ? tiering_configs_from_document(*stored_doc) : std::vector<TieringConfig>{};
      std::vector<TieringConfig> configs = b.intelligent_tiering;
      for (auto& c : configs) {
        c.configured_ms = now;
        for (const auto& old : stored)
          if (tiering_to_xml(old, false) == tiering_to_xml(c, false)) c.configured_ms = old.configured_ms;
      }
      if (Status s = buckets.put_bucket_config(b.name, kTieringConfigName, tiering_document(configs)); !s)
        return s.message();
    }
    return "";
  }

  std::string apply_pipeline() {
    const std::int64_t now = clock_->now_ms();
    for (auto f : pipeline_.functions) {
      f.last_modified_ms = now;
      if (f.async.configured) f.async.last_modified_s = static_cast<double>(now) / 1000.0;
      if (auto err = registry_.put(std::move(f))) return *err;
    }
    BucketStore& buckets = store_->buckets();
    for (const auto& b : pipeline_.buckets) {
      if (!buckets.find_bucket(b.name)) {
        // (created below; destinations are checked once every declared bucket exists)
        Status s = buckets.create_bucket({b.name, options_.region, now, "default"});
        if (!s && s.code() != Status::Code::AlreadyExists) return "cannot create bucket " + b.name + ": " + s.message();
        if (s && !options_.legacy_bucket_defaults)
          if (Status set = set_new_bucket_access(buckets, b.name, "BucketOwnerEnforced"); !set) return set.message();
      }
      if (b.public_access_block)
        if (Status s = buckets.put_bucket_config(b.name, kPublicAccessBlockConfigName,
                                                 public_access_block_xml(*b.public_access_block));
            !s)
          return s.message();
      if (!b.policy.empty())
        if (Status s = buckets.put_bucket_config(b.name, kPolicyConfigName, b.policy); !s) return s.message();
      if (!b.versioning.empty())
        if (Status s = buckets.put_bucket_config(b.name, "versioning", b.versioning); !s) return s.message();
      if (!b.notifications.functions.empty())
        if (Status s = buckets.put_bucket_config(b.name, kNotificationConfigName,
                                                notification_to_xml(b.notifications));
            !s)
          return s.message();
      if (auto err = apply_bucket_rules(b, now); !err.empty()) return err;
    }
    for (const auto& f : pipeline_.functions)
      if (f.async.on_failure.is_bucket() && !buckets.find_bucket(f.async.on_failure.bucket()))
        return "function " + f.name + ": on_failure bucket " + f.async.on_failure.bucket() +
               " does not exist (declare it under buckets)";
    return apply_access_points(now);
  }

  // Declared access points are made once and kept (their aliases stay the same across
  // restarts); an Object Lambda access point takes the file's configuration each start.
  std::string apply_access_points(std::int64_t now) {
    for (const auto& declared : pipeline_.access_points) {
      if (auto existing = access_points_->find(declared.name)) {
        if (existing->bucket != declared.bucket)
          return "access point " + declared.name + " exists for bucket " + existing->bucket + ", not " + declared.bucket;
        continue;
      }
      AccessPoint point;
      point.name = declared.name;
      point.bucket = declared.bucket;
      point.created_ms = now;
      auto made = access_points_->create(std::move(point), true);
      if (auto* err = std::get_if<S3Error>(&made)) return "access point " + declared.name + ": " + err->message;
    }
    for (const auto& declared : pipeline_.object_lambda_access_points) {
      ObjectLambdaConfiguration configuration;
      configuration.supporting_access_point =
          access_point_arn(options_.region, kAccountId, declared.supporting_access_point);
      configuration.allowed_features = declared.allowed_features;
      configuration.transformations = declared.transformations;
      std::optional<S3Error> err;
      if (object_lambda_->find(declared.name)) {
        err = object_lambda_->configure(declared.name, std::move(configuration));
      } else {
        ObjectLambdaAccessPoint point;
        point.name = declared.name;
        point.created_ms = now;
        point.configuration = std::move(configuration);
        auto made = object_lambda_->create(std::move(point));
        if (auto* e = std::get_if<S3Error>(&made)) err = *e;
      }
      if (err) return "Object Lambda access point " + declared.name + ": " + err->message;
    }
    return "";
  }

  ServeOptions options_;
  SystemClock system_clock_;
  VirtualClock virtual_clock_;
  Clock* clock_ = nullptr;
  CredentialStore credentials_;
  PipelineConfig pipeline_;
  FunctionRegistry registry_;
  ServerMetrics metrics_;  // before the log that feeds it, so it outlives every invocation
  Tracing tracing_{options_.region, kAccountId};
  InvocationLog log_;
  std::unique_ptr<S3StorageBilling> storage_billing_;  // outlives the store that asks it
  std::unique_ptr<Store> store_;
  std::unique_ptr<UsageRecorder> recorder_;  // goes (and flushes) before the store
  std::unique_ptr<LogRecorder> log_recorder_;  // goes (and writes what it holds) before the store
  std::unique_ptr<LogsApi> logs_api_;
  std::unique_ptr<CostReporter> cost_;
  std::unique_ptr<S3Notifier> notifier_;
  std::unique_ptr<AccessPoints> access_points_;
  std::unique_ptr<ObjectLambdaAccessPoints> object_lambda_;
  ObjectLambdaRoutes object_lambda_routes_;
  ObjectLambdaInvoke object_lambda_invoke_;
  std::unique_ptr<ObjectLambdaWorld> object_lambda_world_;
  std::unique_ptr<S3Service> s3_;
  std::unique_ptr<ExternalRuntimes> external_;
  std::unique_ptr<Invoker> invoker_;
  std::unique_ptr<LambdaApi> lambda_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<BucketViews> timer_buckets_;
  std::unique_ptr<Timekeeper> timekeeper_;
  std::unique_ptr<InternalApi> internal_;
  std::unique_ptr<EventStreams> event_streams_;
  std::unique_ptr<ApiService> api_;
  std::unique_ptr<JobRunner> jobs_;
  std::unique_ptr<S3ControlService> s3control_;
  std::unique_ptr<FrontService> front_;
  std::once_flag inprocess_once_;
  std::shared_ptr<HttpTransport> inprocess_;
  std::shared_ptr<HttpTransport> http_transport_;
  EndpointUrl http_endpoint_;
  std::mutex endpoint_mutex_;
  EndpointUrl public_endpoint_{false, "s3.localhost", "80"};  // until the server listens
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<ApiService::RoutesOnly> routes_only_;
  std::unique_ptr<HttpServer> api_server_;
};


Emulator::Emulator(ServeOptions options, HandlerSet handlers, std::FILE* log_console)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers), log_console)) {}

Emulator::~Emulator() = default;

Status Emulator::open() {
  std::string error = impl_->open();
  return error.empty() ? Status::ok() : Status::invalid(error);
}

Result<std::uint16_t> Emulator::listen() { return impl_->listen(); }

void Emulator::serve() { impl_->serve(); }

void Emulator::stop() { impl_->stop(); }

void Emulator::use_endpoint_for_handlers(const std::string& host, const std::string& port) {
  impl_->use_http_for_handlers(host, port);
  impl_->set_endpoint_for_functions("http://" + host + ":" + port);
}

FunctionRegistry& Emulator::registry() { return impl_->registry(); }

Invoker& Emulator::invoker() { return impl_->invoker(); }

const Clock& Emulator::clock() const { return impl_->clock(); }

}  // namespace bf
