#include "emulator/lambda/external_runtime.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "emulator/lambda/code_archive.h"
#include "emulator/lambda/execution_environment.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/host_prefixes.h"

namespace bf {

namespace {

constexpr std::size_t kDefaultEnvironmentLimit = 16;  // per function, without reserved concurrency

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

ExternalRuntimes::ExternalRuntimes(ExternalSettings settings, InvocationLog& log)
    : settings_(std::move(settings)), log_(log) {
  std::error_code ec;
  if (!settings_.code_root.empty()) {
    std::filesystem::create_directories(settings_.code_root + "/packages", ec);
    if (!ec) code_root_ = settings_.code_root;
  }
  if (code_root_.empty()) {
    temporary_root_ = true;
    std::string pattern = (std::filesystem::temp_directory_path() / "bucketfire-code-XXXXXX").string();
    if (::mkdtemp(pattern.data())) code_root_ = pattern;
  }
  if (!code_root_.empty()) sdk_files_ = write_sdk_support_files(code_root_ + "/runtime");
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
      chosen = std::make_shared<ExternalEnvironment>(fn, settings_, sdk_files_, log_, version);
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
  ExternalResult result = env->run(request_id, payload, deadline_ms, function_arn(fn),
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
