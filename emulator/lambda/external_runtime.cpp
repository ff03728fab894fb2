#include "emulator/lambda/external_runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include "emulator/http/buffered_body.h"
#include "emulator/http/server.h"
#include "emulator/lambda/code_archive.h"
#include "emulator/lambda/function_registry.h"
#include "sdk/json.h"
#include "sdk/sigv4.h"

namespace bf {

namespace {

constexpr const char* kApiBase = "/2018-06-01/runtime";
constexpr std::size_t kDefaultEnvironmentLimit = 16;  // per function, without reserved concurrency
constexpr std::size_t kMaxLogLine = 256 * 1024;  // CloudWatch takes events up to 256 KB

HttpResponse api_reply(int status, const Json& body) {
  HttpResponse res;
  res.status = status;
  res.set_header("Content-Type", "application/json");
  res.body = to_text(body);
  return res;
}

// What a runtime may post as a function's response or error: Lambda's 6 MB response limit
// as the Runtime API counts it (6,291,556 bytes).
constexpr std::size_t kMaxPostedResult = 6 * 1024 * 1024 + 100;

// A posted response or error, gathered whole and handed to `done`.
std::unique_ptr<BodySink> posted_result(std::function<HttpResponse(const std::string&)> done) {
  return std::make_unique<BufferedBody>(kMaxPostedResult, BufferedBody::Answers{std::move(done), [] {
    return api_reply(413, Json{{"errorMessage", "payload too large"}, {"errorType", "RequestEntityTooLarge"}});
  }});
}

// VmHWM of a process (its peak resident set), in MB; 0 when it cannot be read.
int peak_memory_mb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return static_cast<int>(std::atoll(line.c_str() + 6) / 1024);
  return 0;
}

ExternalResult error_result(const std::string& type, const std::string& message) {
  ExternalResult r;
  r.error_type = type;
  r.error_message = message;
  r.payload = to_text(Json{{"errorType", type}, {"errorMessage", message}});
  return r;
}

}  // namespace

std::string code_version(const FunctionConfig& fn) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string root = fn.code_path;
  if (root.empty()) {
    // A command: its first word, when it names a file, stands for the code.
    std::string first = fn.command.substr(0, fn.command.find(' '));
    if (!fs::is_regular_file(first, ec)) return "command";
    root = first;
  }
  std::int64_t newest = 0;
  std::uint64_t files = 0, bytes = 0;
  auto note = [&](const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return;
    newest = std::max<std::int64_t>(newest, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    ++files;
    bytes += static_cast<std::uint64_t>(st.st_size);
  };
  if (fs::is_directory(root, ec)) {
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) note(it->path());
  } else {
    note(root);
  }
  return std::to_string(newest) + "/" + std::to_string(files) + "/" + std::to_string(bytes);
}

// One execution environment: a process, its Runtime API endpoint, and the invocation it runs.
class ExternalEnvironment final : public Service {
 public:
  ExternalEnvironment(FunctionConfig fn, const ExternalSettings& settings, InvocationLog& log,
                      std::string version)
      : fn_(std::move(fn)), settings_(settings), log_(log), version_(std::move(version)) {}

  ~ExternalEnvironment() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    kill();
    if (server_) server_->stop();
    if (server_thread_.joinable()) server_thread_.join();
    if (reader_thread_.joinable()) reader_thread_.join();
  }

  const std::string& version() const { return version_; }
  bool busy = false;  // guarded by ExternalRuntimes' mutex

  bool alive() {
    std::lock_guard lock(mu_);
    return !exited_;
  }

  std::string start() {
    server_ = std::make_unique<HttpServer>(ServerOptions{"127.0.0.1", 0, 2}, *this, nullptr);
    std::uint16_t port = 0;
    try {
      port = server_->listen();
    } catch (const std::exception& e) {
      return std::string("cannot open a Runtime API endpoint: ") + e.what();
    }
    server_thread_ = std::thread([this] { server_->run(); });
    return spawn("127.0.0.1:" + std::to_string(port));
  }

  ExternalResult run(const std::string& request_id, const std::string& payload, std::int64_t deadline_ms,
                     const std::string& arn, const std::string& trace, LogSink& log) {
    std::unique_lock lock(mu_);
    if (exited_) return exit_result(request_id);
    pending_.emplace(Pending{request_id, payload, deadline_ms, arn, trace, &log});
    cv_.notify_all();
    cv_.wait(lock, [&] { return pending_->result.has_value() || exited_; });
    // What the process printed before answering belongs to this invocation's log: let the
    // reader take what is still in the pipe (bounded, in case the process keeps printing).
    const auto drain_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (!exited_ && std::chrono::steady_clock::now() < drain_until) {
      int unread = 0;
      if (!reading_ && (out_fd_ < 0 || ::ioctl(out_fd_, FIONREAD, &unread) != 0 || unread == 0)) break;
      cv_.wait_for(lock, std::chrono::milliseconds(2));
    }
    ExternalResult result = pending_->result ? *pending_->result : exit_result(request_id);
    if (!exited_) result.max_memory_mb = peak_memory_mb(pid_);
    pending_.reset();
    return result;
  }

  bool runs(const std::string& request_id) {
    std::lock_guard lock(mu_);
    return pending_ && pending_->request_id == request_id;
  }

  void kill() {
    std::lock_guard lock(mu_);
    if (pid_ > 0 && !exited_) ::kill(-pid_, SIGKILL);
  }

  // The Runtime API, as this environment's process sees it.
  Dispatch begin(const HttpRequest& request) override {
    Dispatch d;
    std::string path;
    sigv4::uri_decode(request.target.substr(0, request.target.find('?')), path);
    const std::string next = std::string(kApiBase) + "/invocation/next";
    const std::string prefix = std::string(kApiBase) + "/invocation/";
    if (request.method == "GET" && path == next) {
      d.response = next_invocation();
    } else if (request.method == "POST" && path == std::string(kApiBase) + "/init/error") {
      std::string type = request.header("Lambda-Runtime-Function-Error-Type")
                             ? *request.header("Lambda-Runtime-Function-Error-Type") : "Runtime.InitError";
      d.sink = posted_result([this, type](const std::string& body) {
        return post_result("", false, body, type, true);
      });
    } else if (request.method == "POST" && path.starts_with(prefix) &&
               (path.ends_with("/response") || path.ends_with("/error"))) {
      const bool ok = path.ends_with("/response");
      std::string id = path.substr(prefix.size(), path.rfind('/') - prefix.size());
      const std::string* type_header = request.header("Lambda-Runtime-Function-Error-Type");
      std::string type = type_header ? *type_header : "Unhandled";
      d.sink = posted_result([this, id, ok, type](const std::string& body) {
        return post_result(id, ok, body, type, false);
      });
    } else {
      d.response = api_reply(404, Json{{"errorMessage", "unknown Runtime API path " + path},
                                       {"errorType", "InvalidRequest"}});
    }
    return d;
  }

 private:
  struct Pending {
    std::string request_id;
    std::string payload;
    std::int64_t deadline_ms = 0;
    std::string arn;
    std::string trace;
    LogSink* log = nullptr;
    bool delivered = false;
    std::optional<ExternalResult> result;
  };

  HttpResponse next_invocation() {
    std::unique_lock lock(mu_);
    // Long poll: the runtime waits here until there is work (or the environment ends).
    cv_.wait(lock, [&] { return stopping_ || (pending_ && !pending_->delivered); });
    if (stopping_) return api_reply(500, Json{{"errorMessage", "the environment is shutting down"}});
    pending_->delivered = true;
    HttpResponse res;
    res.status = 200;
    res.set_header("Content-Type", "application/json");
    res.set_header("Lambda-Runtime-Aws-Request-Id", pending_->request_id);
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(pending_->deadline_ms));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn", pending_->arn);
    res.set_header("Lambda-Runtime-Trace-Id", pending_->trace);
    res.body = pending_->payload.empty() ? "{}" : pending_->payload;
    return res;
  }

  HttpResponse post_result(const std::string& id, bool ok, const std::string& body,
                           const std::string& type, bool init) {
    std::lock_guard lock(mu_);
    if (!init && (!pending_ || pending_->request_id != id || pending_->result))
      return api_reply(400, Json{{"errorMessage", "Invalid request ID"}, {"errorType", "InvalidRequestID"}});
    ExternalResult r;
    if (ok) {
      r.ok = true;
      r.payload = body;
    } else {
      // The error document the runtime posted; Lambda builds one from the header if it is not JSON.
      Json doc = Json::parse(body, nullptr, false);
      if (!doc.is_object()) doc = Json{{"errorMessage", body}, {"errorType", type}};
      r.error_type = doc.value("errorType", type);
      r.error_message = doc.value("errorMessage", "");
      r.payload = to_text(doc);
    }
    if (init) {
      init_error_ = r;
      if (pending_ && !pending_->result) pending_->result = r;
    } else {
      pending_->result = r;
    }
    cv_.notify_all();
    return api_reply(202, Json{{"status", "OK"}});
  }

  ExternalResult exit_result(const std::string& request_id) {
    if (init_error_) return *init_error_;
    return error_result("Runtime.ExitError", "RequestId: " + request_id +
                                                 " Error: Runtime exited with error: " + exit_reason_);
  }

  std::vector<std::string> environment(const std::string& api) const {
    std::map<std::string, std::string> env;
    for (const char* keep : {"PATH", "HOME", "LANG", "PYTHONPATH", "NODE_PATH"})
      if (const char* v = std::getenv(keep)) env[keep] = v;
    env.emplace("LANG", "en_US.UTF-8");
    env["TZ"] = ":UTC";
    for (const auto& [k, v] : fn_.environment) env[k] = v;
    // Lambda's reserved variables win over the function's own.
    env["AWS_LAMBDA_RUNTIME_API"] = api;
    env["_HANDLER"] = fn_.handler;
    env["LAMBDA_TASK_ROOT"] = task_root();
    env["LAMBDA_RUNTIME_DIR"] = task_root();
    env["AWS_LAMBDA_FUNCTION_NAME"] = fn_.name;
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(fn_.memory_mb);
    env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + fn_.name;
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = "$LATEST";
    env["AWS_REGION"] = settings_.region;
    env["AWS_DEFAULT_REGION"] = settings_.region;
    env["AWS_ACCESS_KEY_ID"] = settings_.access_key;
    env["AWS_SECRET_ACCESS_KEY"] = settings_.secret_key;
    env["AWS_SESSION_TOKEN"] = "";
    if (!settings_.endpoint_url.empty()) env["AWS_ENDPOINT_URL"] = settings_.endpoint_url;
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
  }

  std::string task_root() const {
    if (!fn_.code_path.empty()) return std::filesystem::absolute(fn_.code_path).string();
    return std::filesystem::current_path().string();
  }

  std::string spawn(const std::string& api) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    std::vector<std::string> env_strings = environment(api);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string program = fn_.command.empty() ? task_root() + "/bootstrap" : "/bin/sh";
    std::vector<std::string> args = fn_.command.empty() ? std::vector<std::string>{program}
                                                        : std::vector<std::string>{"sh", "-c", fn_.command};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string root = task_root();
    pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      return std::string("fork: ") + std::strerror(errno);
    }
    if (pid == 0) {
      ::setpgid(0, 0);  // its own group, so a timeout kills whatever it started too
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close_range(3, ~0U, 0);  // nothing of the emulator's (sockets, database) leaks in
      if (::chdir(root.c_str()) != 0) _exit(126);
      ::execve(program.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    ::close(fds[1]);
    {
      std::lock_guard lock(mu_);
      pid_ = pid;
      out_fd_ = fds[0];
    }
    reader_thread_ = std::thread([this, fd = fds[0]] { read_output(fd); });
    return "";
  }

  void read_output(int fd) {
    std::string partial;
    char buf[8192];
    while (true) {
      // Wait until there is something, and say so before taking it out of the pipe: the
      // invocation waiting for its log then sees either bytes in the pipe or `reading_`.
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      {
        std::lock_guard lock(mu_);
        reading_ = true;
      }
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      partial.append(buf, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = partial.find('\n')) != std::string::npos) {
        emit(partial.substr(0, nl));
        partial.erase(0, nl + 1);
      }
      // Output that never ends its line is logged in pieces rather than held without bound.
      while (partial.size() >= kMaxLogLine) {
        emit(partial.substr(0, kMaxLogLine));
        partial.erase(0, kMaxLogLine);
      }
      {
        std::lock_guard lock(mu_);
        reading_ = false;
      }
      cv_.notify_all();
    }
    if (!partial.empty()) emit(partial);
    {
      std::lock_guard lock(mu_);
      out_fd_ = -1;
    }
    ::close(fd);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    std::lock_guard lock(mu_);
    exited_ = true;
    exit_reason_ = WIFSIGNALED(status) ? "signal: " + std::string(strsignal(WTERMSIG(status)))
                                       : "exit status " + std::to_string(WEXITSTATUS(status));
    if (pending_ && !pending_->result) pending_->result = exit_result(pending_->request_id);
    cv_.notify_all();
  }

  // A line the process printed: part of the running invocation's log, or the function's.
  void emit(const std::string& line) {
    LogSink* sink = nullptr;
    {
      std::lock_guard lock(mu_);
      if (pending_ && pending_->delivered) sink = pending_->log;
    }
    if (sink)
      sink->write(line);
    else
      log_.write_line(fn_.name, line);
  }

  FunctionConfig fn_;
  ExternalSettings settings_;
  InvocationLog& log_;
  std::string version_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Pending> pending_;
  std::optional<ExternalResult> init_error_;
  bool stopping_ = false;
  bool exited_ = false;
  std::string exit_reason_;
  pid_t pid_ = -1;
  int out_fd_ = -1;       // the read end of the process's output pipe, while open
  bool reading_ = false;  // the reader holds bytes it has not yet logged
  std::unique_ptr<HttpServer> server_;
  std::thread server_thread_;
  std::thread reader_thread_;
};

ExternalRuntimes::ExternalRuntimes(ExternalSettings settings, InvocationLog& log)
    : settings_(std::move(settings)), log_(log) {
  if (!settings_.code_root.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings_.code_root + "/packages", ec);
    if (!ec) {
      code_root_ = settings_.code_root;
      return;
    }
  }
  temporary_root_ = true;
  std::string pattern = (std::filesystem::temp_directory_path() / "bucketfire-code-XXXXXX").string();
  if (::mkdtemp(pattern.data())) code_root_ = pattern;
}

ExternalRuntimes::~ExternalRuntimes() {
  {
    std::map<std::string, std::vector<std::shared_ptr<ExternalEnvironment>>> all;
    {
      std::lock_guard lock(mu_);
      all.swap(environments_);
    }
    // Destroying an environment kills its process and waits for its threads.
  }
  std::error_code ec;
  if (temporary_root_ && !code_root_.empty()) std::filesystem::remove_all(code_root_, ec);
}

// Keyed by the package, not the function: functions sharing one zip share its unpacked copy.
std::string ExternalRuntimes::unpacked_folder(const FunctionConfig& fn) const {
  return code_root_ + "/unpacked/" + std::to_string(std::hash<std::string>{}(fn.code_path + "|" + code_version(fn)));
}

int ExternalRuntimes::remove_unused_code(const std::vector<FunctionConfig>& functions) {
  if (code_root_.empty()) return 0;
  std::set<std::string> used;
  for (const auto& fn : functions) {
    if (!fn.code_path.ends_with(".zip")) continue;
    used.insert(fn.code_path);
    used.insert(unpacked_folder(fn));
  }
  int removed = 0;
  std::error_code ec;
  for (const char* folder : {"/packages", "/unpacked"}) {
    std::vector<std::string> unused;
    for (const auto& entry : std::filesystem::directory_iterator(code_root_ + folder, ec))
      if (!used.count(entry.path().string())) unused.push_back(entry.path().string());
    for (const auto& path : unused) removed += std::filesystem::remove_all(path, ec) > 0 ? 1 : 0;
  }
  return removed;
}

std::string ExternalRuntimes::code_folder(const FunctionConfig& fn, std::string& error) {
  if (!fn.code_path.ends_with(".zip")) return fn.code_path;
  const std::string folder = unpacked_folder(fn);
  std::error_code ec;
  if (std::filesystem::exists(folder + "/.complete", ec)) return folder;
  std::filesystem::remove_all(folder, ec);
  if (std::string err = extract_zip(fn.code_path, folder); !err.empty()) {
    error = err;
    return "";
  }
  if (!std::filesystem::is_regular_file(folder + "/bootstrap", ec)) {
    error = fn.code_path + " has no bootstrap at its root";
    return "";
  }
  std::ofstream(folder + "/.complete").put('\n');
  return folder;
}

void ExternalRuntimes::set_endpoint_url(std::string url) {
  std::lock_guard lock(mu_);
  settings_.endpoint_url = std::move(url);
}

std::shared_ptr<ExternalEnvironment> ExternalRuntimes::acquire(const FunctionConfig& declared,
                                                              std::int64_t deadline_ms,
                                                              std::string& error) {
  const std::string version = code_version(declared);
  FunctionConfig fn = declared;
  {
    std::lock_guard lock(unpack_mu_);
    fn.code_path = code_folder(declared, error);
  }
  if (!error.empty()) return nullptr;
  std::vector<std::shared_ptr<ExternalEnvironment>> retired;  // destroyed outside the lock
  std::shared_ptr<ExternalEnvironment> chosen;
  {
    std::unique_lock lock(mu_);
    // At the limit, wait for an environment to come free (until the invocation's deadline).
    const std::size_t limit = fn.reserved_concurrency ? static_cast<std::size_t>(std::max(1, *fn.reserved_concurrency))
                                                      : kDefaultEnvironmentLimit;
    const auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms));
    free_cv_.wait_until(lock, deadline, [&] {
      auto& list = environments_[fn.name];
      return list.size() < limit || std::any_of(list.begin(), list.end(), [](const auto& e) { return !e->busy; });
    });
    auto& list = environments_[fn.name];
    // Dead environments go; idle ones on old code go (busy ones finish first: see release).
    for (auto it = list.begin(); it != list.end();) {
      if (!(*it)->busy && (!(*it)->alive() || (*it)->version() != version)) {
        retired.push_back(*it);
        it = list.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& env : list)
      if (!env->busy && env->version() == version) {
        chosen = env;
        break;
      }
    if (!chosen && list.size() >= limit) {
      error = "all " + std::to_string(limit) + " execution environments of " + fn.name + " are busy";
      return nullptr;
    }
    if (!chosen) {
      chosen = std::make_shared<ExternalEnvironment>(fn, settings_, log_, version);
      list.push_back(chosen);
      chosen->busy = true;
    } else {
      chosen->busy = true;
      return chosen;
    }
  }
  if (std::string err = chosen->start(); !err.empty()) {
    error = err;
    std::lock_guard lock(mu_);
    auto& list = environments_[fn.name];
    list.erase(std::remove(list.begin(), list.end(), chosen), list.end());
    return nullptr;
  }
  return chosen;
}

void ExternalRuntimes::release(const std::shared_ptr<ExternalEnvironment>& env) {
  std::shared_ptr<ExternalEnvironment> retired;
  {
    std::lock_guard lock(mu_);
    env->busy = false;
    free_cv_.notify_all();
    if (!env->alive()) {
      for (auto& [name, list] : environments_) {
        auto it = std::find(list.begin(), list.end(), env);
        if (it != list.end()) {
          retired = *it;
          list.erase(it);
          break;
        }
      }
    }
  }
}

ExternalResult ExternalRuntimes::invoke(const FunctionConfig& fn, const std::string& request_id,
                                        const std::string& payload, std::int64_t deadline_ms,
                                        const std::string& trace_header, LogSink& log) {
  std::string error;
  auto env = acquire(fn, deadline_ms, error);
  if (!env) return error_result("Runtime.Unavailable", error);
  ExternalResult result = env->run(request_id, payload, deadline_ms, function_arn(settings_.region, fn.name),
                                   trace_header, log);
  release(env);
  return result;
}

void ExternalRuntimes::kill_all() {
  std::lock_guard lock(mu_);
  for (auto& [name, list] : environments_)
    for (auto& env : list) env->kill();
}

void ExternalRuntimes::abort(const std::string& request_id) {
  std::vector<std::shared_ptr<ExternalEnvironment>> candidates;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, list] : environments_)
      for (auto& env : list) candidates.push_back(env);
  }
  for (auto& env : candidates)
    if (env->runs(request_id)) env->kill();
}

}  // namespace bf
