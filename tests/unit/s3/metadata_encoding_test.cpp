#include "emulator/s3/metadata_encoding.h"

#include <gtest/gtest.h>

namespace bf {
namespace {

TEST(MetadataEncoding, AsciiPassesUnchanged) {
  EXPECT_EQ(decode_metadata_value("plain value"), "plain value");
  EXPECT_EQ(encode_metadata_value("plain\tvalue"), "plain\tvalue");
}

TEST(MetadataEncoding, EncodedWordsAreDecodedBeforeStoring) {
  EXPECT_EQ(decode_metadata_value("=?UTF-8?B?Y2Fmw6k=?="), "caf\xc3\xa9");
  EXPECT_EQ(decode_metadata_value("=?utf-8?q?caf=C3=A9_ok?="), "caf\xc3\xa9 ok");
  // Adjacent words lose the white space between them; ISO-8859-1 becomes UTF-8.
  EXPECT_EQ(decode_metadata_value("=?UTF-8?B?Y2Fm?=  =?ISO-8859-1?Q?=E9?="), "caf\xc3\xa9");
}

TEST(MetadataEncoding, AnythingElseIsReadAsLatin1) {
  EXPECT_EQ(decode_metadata_value("caf\xe9"), "caf\xc3\xa9");
  // Not only encoded-words, a malformed word, or an unknown charset: the text as it came.
  EXPECT_EQ(decode_metadata_value("x =?UTF-8?B?Y2Fm?="), "x =?UTF-8?B?Y2Fm?=");
  EXPECT_EQ(decode_metadata_value("=?UTF-8?Q?bad=G1?="), "=?UTF-8?Q?bad=G1?=");
  EXPECT_EQ(decode_metadata_value("=?UTF-8?Q?cut=A?="), "=?UTF-8?Q?cut=A?=");
  EXPECT_EQ(decode_metadata_value("=?KOI8-R?B?Y2Fm?="), "=?KOI8-R?B?Y2Fm?=");
  EXPECT_EQ(decode_metadata_value(""), "");
}

TEST(MetadataEncoding, StoredTextBeyondAsciiIsAnsweredAsOneUtf8Word) {
  EXPECT_EQ(encode_metadata_value("caf\xc3\xa9"), "=?UTF-8?B?Y2Fmw6k=?=");
  EXPECT_EQ(encode_metadata_value(std::string("a\x01", 2)), "=?UTF-8?B?YQE=?=");  // control characters too
}

}  // namespace
}  // namespace bf
