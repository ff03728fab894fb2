#include "emulator/s3/object_meta.h"

#include <gtest/gtest.h>

#include "sdk/checksum.h"
#include "sdk/hash.h"

namespace bf {
namespace {

ObjectMeta three_parts() {
  ObjectMeta meta;
  meta.checksum_algorithm = "SHA256";
  meta.checksum_type = "COMPOSITE";
  meta.parts_count = 3;
  meta.part_runs = {{5, 2}, {1, 1}};
  meta.part_checksums = base64_encode(checksum_of(ChecksumAlgorithm::Sha256, "a") +
                                      checksum_of(ChecksumAlgorithm::Sha256, "b") +
                                      checksum_of(ChecksumAlgorithm::Sha256, "c"));
  return meta;
}

TEST(ObjectMeta, EachPartsChecksumSurvivesItsDocument) {
  const ObjectMeta meta = ObjectMeta::from_json(three_parts().to_json());
  EXPECT_EQ(meta.part_checksum(1), base64_encode(checksum_of(ChecksumAlgorithm::Sha256, "a")));
  EXPECT_EQ(meta.part_checksum(3), base64_encode(checksum_of(ChecksumAlgorithm::Sha256, "c")));
  EXPECT_FALSE(meta.part_checksum(0));
  EXPECT_FALSE(meta.part_checksum(4));
  EXPECT_EQ(meta.part_span(3), (std::pair<std::uint64_t, std::uint64_t>{10, 1}));
}

TEST(ObjectMeta, NoPartChecksumsWhenNotKeptOrNotWhole) {
  ObjectMeta meta = three_parts();
  meta.part_checksums.clear();
  EXPECT_FALSE(meta.part_checksum(1));
  meta = three_parts();
  meta.part_checksums = base64_encode(std::string(40, 'x'));  // not three digests
  EXPECT_FALSE(meta.part_checksum(1));
  meta = three_parts();
  meta.checksum_algorithm.clear();
  EXPECT_FALSE(meta.part_checksum(1));
}

}  // namespace
}  // namespace bf
