// S3 flexible checksums: CRC32 (zlib), CRC32C and CRC64NVME (Boost.CRC), SHA1, SHA256.
// Values are raw big-endian digests; S3 sends them base64-encoded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sdk/hash.h"

namespace bf {

enum class ChecksumAlgorithm { Crc32, Crc32c, Crc64Nvme, Sha1, Sha256 };
inline constexpr ChecksumAlgorithm kAllChecksumAlgorithms[] = {
    ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc64Nvme,
    ChecksumAlgorithm::Sha1, ChecksumAlgorithm::Sha256};

// Accepts "CRC32", "crc32", "CRC64NVME" ... (case-insensitive).
std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name);
std::string checksum_name(ChecksumAlgorithm alg);         // "CRC32", "CRC64NVME", "SHA256"
std::string checksum_header(ChecksumAlgorithm alg);       // "x-amz-checksum-crc32"
std::string checksum_xml_element(ChecksumAlgorithm alg);  // "ChecksumCRC32", "ChecksumCRC64NVME"
std::size_t checksum_size(ChecksumAlgorithm alg);         // raw digest bytes: 4, 4, 8, 20, 32

class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm alg);
  ChecksumAlgorithm algorithm() const { return alg_; }
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  std::string finish();  // raw big-endian digest
  std::string finish_base64() { return base64_encode(finish()); }

 private:
  ChecksumAlgorithm alg_;
  std::uint64_t crc_ = 0;  // running CRC state for the CRC kinds
  std::optional<Digest> digest_;
};

std::string checksum_of(ChecksumAlgorithm alg, std::string_view data);  // raw

}  // namespace bf
