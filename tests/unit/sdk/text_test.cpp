#include "sdk/text.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(ParseDecimal, DigitsOnlyAndWithinTheMaximum) {
  EXPECT_EQ(parse_decimal("0"), 0u);
  EXPECT_EQ(parse_decimal("000123"), 123u);
  EXPECT_EQ(parse_decimal("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_decimal("2147483647", 2147483647), 2147483647u);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "abc", "18446744073709551616"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_decimal(bad));
  }
  EXPECT_FALSE(parse_decimal("2147483648", 2147483647));
}

}  // namespace
}  // namespace bf
