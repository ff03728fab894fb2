#include "emulator/s3/opaque_id.h"

#include <gtest/gtest.h>

#include <set>

namespace bf {
namespace {

TEST(OpaqueId, SafeForUrlsAndCommandLines) {
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string id = random_opaque_id(24);
    EXPECT_EQ(id.size(), 32u);
    EXPECT_NE(id.front(), '-');  // a CLI would read it as an option
    EXPECT_NE(id.front(), '.');
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"),
              std::string::npos)
        << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

}  // namespace
}  // namespace bf
