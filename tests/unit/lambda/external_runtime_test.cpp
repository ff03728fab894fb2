#include "emulator/lambda/external_runtime.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "emulator/lambda/invocation_log.h"
#include "sdk/json.h"

namespace bf {
namespace {

// Found by fuzz_lambda_json: with no code root (a server on --data-dir :memory:) the private
// temporary folder was never made, and CreateFunction answered 500.
TEST(ExternalRuntimes, WithoutACodeRootUsesATemporaryFolderRemovedAtTheEnd) {
  InvocationLog log(nullptr);
  std::string root;
  {
    ExternalRuntimes runtimes({"us-east-1", "test", "test", "", ""}, log);
    root = runtimes.code_root();
    ASSERT_FALSE(root.empty());
    EXPECT_TRUE(std::filesystem::is_directory(root));
  }
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(ExternalRuntimes, KeepsPackagesInTheGivenCodeRoot) {
  InvocationLog log(nullptr);
  std::string root = (std::filesystem::temp_directory_path() / "bf-code-root-test").string();
  std::filesystem::remove_all(root);
  {
    ExternalRuntimes runtimes({"us-east-1", "test", "test", "", root}, log);
    EXPECT_EQ(runtimes.code_root(), root);
    EXPECT_TRUE(std::filesystem::is_directory(root + "/packages"));
  }
  EXPECT_TRUE(std::filesystem::exists(root));  // the data directory's folder outlives the process
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace bf

// The environment pool, with real processes: the Python function of fixtures/runtimes, which
// answers its process id (INCLUDE_PID) so a test can tell environments apart.
namespace bf {
namespace {

class Lines final : public LogSink {
 public:
  void write(std::string_view line) override {
    std::lock_guard lock(mu_);
    text_ += std::string(line) + "\n";
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

struct Pool {
  InvocationLog log{nullptr};
  ExternalRuntimes runtimes{{"us-east-1", "test", "test", "", ""}, log};

  static FunctionConfig python_function(const std::string& name) {
    FunctionConfig fn;
    fn.name = name;
    fn.code_path = std::string(BF_FIXTURES_DIR) + "/runtimes/python-event-summary";
    fn.environment = {{"INCLUDE_PID", "1"}};
    return fn;
  }

  ExternalResult invoke(const FunctionConfig& fn, const std::string& request_id, const std::string& payload = "{}") {
    Lines lines;
    const std::int64_t deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count() + 30000;
    return runtimes.invoke(fn, request_id, payload, deadline, "Root=1-00000000-000000000000000000000000", lines);
  }

  static int pid_of(const ExternalResult& result) { return Json::parse(result.payload).value("pid", 0); }
};

bool have_python() { return std::system("python3 -c pass >/dev/null 2>&1") == 0; }

TEST(EnvironmentPool, KeepsAnEnvironmentWarmBetweenInvocations) {
  if (!have_python()) GTEST_SKIP() << "python3 is not installed";
  Pool pool;
  const FunctionConfig fn = Pool::python_function("warm");
  auto first = pool.invoke(fn, "r1");
  ASSERT_TRUE(first.ok) << first.payload;
  auto second = pool.invoke(fn, "r2");
  ASSERT_TRUE(second.ok) << second.payload;
  EXPECT_EQ(Pool::pid_of(first), Pool::pid_of(second));
  EXPECT_EQ(Json::parse(second.payload)["count"], 0);
}

TEST(EnvironmentPool, RunsConcurrentInvocationsInEnvironmentsOfTheirOwn) {
  if (!have_python()) GTEST_SKIP() << "python3 is not installed";
  Pool pool;
  FunctionConfig fn = Pool::python_function("busy");
  fn.environment["SLEEP_SECONDS"] = "0.5";  // long enough that the two overlap
  ExternalResult a, b;
  std::thread other([&] { a = pool.invoke(fn, "a"); });
  b = pool.invoke(fn, "b");
  other.join();
  ASSERT_TRUE(a.ok && b.ok) << a.payload << b.payload;
  EXPECT_NE(Pool::pid_of(a), Pool::pid_of(b));
}

TEST(EnvironmentPool, ReplacesAnEnvironmentWhoseProcessDied) {
  if (!have_python()) GTEST_SKIP() << "python3 is not installed";
  Pool pool;
  FunctionConfig fn = Pool::python_function("fragile");
  fn.environment["CRASH_ON"] = "boom";
  auto before = pool.invoke(fn, "r1");
  ASSERT_TRUE(before.ok) << before.payload;
  const std::string crash = R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"boom","size":1}}}]})";
  auto crashed = pool.invoke(fn, "r2", crash);
  EXPECT_FALSE(crashed.ok);
  EXPECT_EQ(crashed.error_type, "Runtime.ExitError") << crashed.payload;
  auto after = pool.invoke(fn, "r3");
  ASSERT_TRUE(after.ok) << after.payload;
  EXPECT_NE(Pool::pid_of(before), Pool::pid_of(after));
}

}  // namespace
}  // namespace bf
