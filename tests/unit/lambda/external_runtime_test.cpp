#include "emulator/lambda/external_runtime.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "emulator/lambda/invocation_log.h"

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
