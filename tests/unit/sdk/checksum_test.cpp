#include "sdk/checksum.h"

#include <gtest/gtest.h>

#include <string>

namespace bf {
namespace {

std::string hex_of(ChecksumAlgorithm alg, std::string_view data) {
  return to_hex(checksum_of(alg, data));
}

TEST(Checksum, KnownCheckValues) {
  // The standard "123456789" check values of each CRC.
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc32, "123456789"), "cbf43926");
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc32c, "123456789"), "e3069283");
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc64Nvme, "123456789"), "ae8b14860a799888");
}

TEST(Checksum, S3Base64Values) {
  // DUoRhQ== is the x-amz-checksum-crc32 an SDK sends for "hello world". The CRC32C and
  // CRC64NVME values were cross-checked with a bit-by-bit reference implementation.
  EXPECT_EQ(base64_encode(checksum_of(ChecksumAlgorithm::Crc32, "hello world")), "DUoRhQ==");
  EXPECT_EQ(base64_encode(checksum_of(ChecksumAlgorithm::Crc32c, "hello world")), "yZRlqg==");
  EXPECT_EQ(base64_encode(checksum_of(ChecksumAlgorithm::Crc64Nvme, "hello world")),
            "jSnVw/bqjr4=");
  EXPECT_EQ(base64_encode(checksum_of(ChecksumAlgorithm::Sha256, "")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(to_hex(checksum_of(ChecksumAlgorithm::Sha1, "abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Checksum, EmptyInput) {
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc32, ""), "00000000");
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc32c, ""), "00000000");
  EXPECT_EQ(hex_of(ChecksumAlgorithm::Crc64Nvme, ""), "0000000000000000");
}

TEST(Checksum, SizesMatchDigests) {
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms) {
    EXPECT_EQ(checksum_of(alg, "x").size(), checksum_size(alg)) << checksum_name(alg);
  }
}

TEST(Checksum, IncrementalEqualsOneShot) {
  std::string data(200003, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7919) >> 3);
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms) {
    Checksummer c(alg);
    EXPECT_EQ(c.algorithm(), alg);
    std::size_t pos = 0;
    for (std::size_t step = 1; pos < data.size(); step = step * 2 + 1) {
      std::size_t n = std::min(step, data.size() - pos);
      c.update(data.data() + pos, n);
      pos += n;
    }
    EXPECT_EQ(c.finish(), checksum_of(alg, data)) << checksum_name(alg);
  }
  Checksummer c(ChecksumAlgorithm::Crc32);
  c.update("hello ");
  c.update(std::string_view("world"));
  EXPECT_EQ(c.finish_base64(), "DUoRhQ==");
}

TEST(Checksum, NamesHeadersElements) {
  EXPECT_EQ(checksum_name(ChecksumAlgorithm::Crc64Nvme), "CRC64NVME");
  EXPECT_EQ(checksum_header(ChecksumAlgorithm::Crc32), "x-amz-checksum-crc32");
  EXPECT_EQ(checksum_header(ChecksumAlgorithm::Crc32c), "x-amz-checksum-crc32c");
  EXPECT_EQ(checksum_header(ChecksumAlgorithm::Crc64Nvme), "x-amz-checksum-crc64nvme");
  EXPECT_EQ(checksum_header(ChecksumAlgorithm::Sha256), "x-amz-checksum-sha256");
  EXPECT_EQ(checksum_xml_element(ChecksumAlgorithm::Crc32), "ChecksumCRC32");
  EXPECT_EQ(checksum_xml_element(ChecksumAlgorithm::Crc64Nvme), "ChecksumCRC64NVME");
  EXPECT_EQ(checksum_xml_element(ChecksumAlgorithm::Sha1), "ChecksumSHA1");
}

TEST(Checksum, ParseAlgorithm) {
  EXPECT_EQ(parse_checksum_algorithm("CRC32"), ChecksumAlgorithm::Crc32);
  EXPECT_EQ(parse_checksum_algorithm("crc32"), ChecksumAlgorithm::Crc32);
  EXPECT_EQ(parse_checksum_algorithm("Crc32C"), ChecksumAlgorithm::Crc32c);
  EXPECT_EQ(parse_checksum_algorithm("crc64nvme"), ChecksumAlgorithm::Crc64Nvme);
  EXPECT_EQ(parse_checksum_algorithm("SHA1"), ChecksumAlgorithm::Sha1);
  EXPECT_EQ(parse_checksum_algorithm("sha256"), ChecksumAlgorithm::Sha256);
  EXPECT_FALSE(parse_checksum_algorithm("MD5").has_value());
  EXPECT_FALSE(parse_checksum_algorithm("").has_value());
  EXPECT_FALSE(parse_checksum_algorithm("CRC32 ").has_value());
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms) {
    EXPECT_EQ(parse_checksum_algorithm(checksum_name(alg)), alg);
  }
}

}  // namespace
}  // namespace bf
