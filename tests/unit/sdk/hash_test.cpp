#include "sdk/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace bf {
namespace {

TEST(Hash, KnownDigests) {
  EXPECT_EQ(to_hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Hash, Hmac) {
  // RFC 4231 test case 2 and RFC 2202 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(hmac_sha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Hash, EmptyAndNullViews) {
  // A default string_view has a null data(); OpenSSL must still see a valid empty input.
  EXPECT_EQ(to_hex(hmac_sha1(std::string_view{}, std::string_view{})),
            "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(to_hex(hmac_sha256(std::string_view{}, "x")),
            "4cbc96099a6467ce002461f10549b4898265ebe6188b45efacc44293516e62c4");
  EXPECT_EQ(sha256_hex(std::string_view{}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Digest d(Digest::Kind::Md5);
  d.update(std::string_view{});
  EXPECT_EQ(to_hex(d.finish()), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(Hash, ToHexIsLowercase) {
  EXPECT_EQ(to_hex(std::string("\x00\xab\xff\x10", 4)), "00abff10");
  EXPECT_EQ(to_hex(""), "");
}

TEST(Hash, StreamingDigestMatchesOneShot) {
  std::string data(100000, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  for (auto [kind, one_shot] :
       {std::pair{Digest::Kind::Md5, &md5}, std::pair{Digest::Kind::Sha1, &sha1},
        std::pair{Digest::Kind::Sha256, &sha256}}) {
    Digest d(kind);
    std::size_t pos = 0;
    for (std::size_t step = 1; pos < data.size(); step = step * 3 + 1) {
      std::size_t n = std::min(step, data.size() - pos);
      d.update(data.data() + pos, n);
      pos += n;
    }
    EXPECT_EQ(d.finish(), one_shot(data));
  }
}

TEST(Hash, DigestIsMovable) {
  Digest a(Digest::Kind::Sha256);
  a.update("ab");
  Digest b = std::move(a);
  b.update(std::string_view("c"));
  EXPECT_EQ(b.finish(), sha256("abc"));
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(plain), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    std::string part = all.substr(all.size() - len);
    auto back = base64_decode(base64_encode(part));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, part);
  }
}

TEST(Base64, StrictDecodeRejects) {
  const char* bad[] = {
      "Zg",        // missing padding
      "Zg=",       // length not a multiple of 4
      "Z===",      // too much padding
      "====",      // only padding
      "=Zg=",      // padding first
      "Zg==Zg==",  // padding in the middle
      "Zh==",      // non-zero bits under the padding
      "Zm9=",      // non-zero bits under the padding
      "Zm9v\n",    // whitespace
      " Zm9v",     // whitespace
      "Zm-_",      // URL-safe alphabet
      "Zm9v!A==",  // not base64 at all
  };
  for (const char* text : bad) EXPECT_FALSE(base64_decode(text).has_value()) << text;
}

// Signatures (SigV4, SigV2, aws-chunked, POST policy, HS256) are compared with this: its
// timing does not depend on where the first difference is (CRYPTO_memcmp), which no test here
// can measure; what it answers can be checked.
TEST(Hash, ConstantTimeEqualAnswersLikeEquality) {
  const std::string a = sha256_hex("a");
  std::string last = a, first = a;
  last.back() = last.back() == '0' ? '1' : '0';
  first.front() = first.front() == '0' ? '1' : '0';
  EXPECT_TRUE(constant_time_equal(a, a));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal(a, last));
  EXPECT_FALSE(constant_time_equal(a, first));
  EXPECT_FALSE(constant_time_equal(a, a.substr(0, 63)));  // a prefix is not a match
  EXPECT_FALSE(constant_time_equal(a, a + "0"));
  EXPECT_FALSE(constant_time_equal(a, ""));
}

}  // namespace
}  // namespace bf
