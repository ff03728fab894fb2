// What several unit tests need: a temporary directory and a store opened in it.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "emulator/store/store.h"

namespace bf::test_support {

// A fresh directory under the system's temp folder, removed with everything in it at the end
// of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bf-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The SQLite store of `dir`; a failure to open fails the test.
inline std::unique_ptr<Store> open_store(const std::string& dir) {
  auto store = open_sqlite_store({dir});
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message());
  return std::move(store.value());
}

}  // namespace bf::test_support
