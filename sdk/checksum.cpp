#include "sdk/checksum.h"

#include <zlib.h>

#include <boost/crc.hpp>
#include <climits>

namespace bf {

namespace {

// CRC-32C (Castagnoli), reflected, as used by S3 and iSCSI.
using Crc32cEngine = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;
// CRC-64/NVME, reflected; S3's default full-object checksum since Dec 2024.
using Crc64NvmeEngine = boost::crc_optimal<64, 0xAD93D23594C93659ULL, 0xFFFFFFFFFFFFFFFFULL,
                                           0xFFFFFFFFFFFFFFFFULL, true, true>;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

std::string big_endian(std::uint64_t value, std::size_t bytes) {
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[bytes - 1 - i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

// Feeds a Boost CRC engine from the interim remainder kept in crc_, so the class needs no
// Boost types in its header; constructing the engine is just storing one integer.
template <typename Engine>
std::uint64_t crc_update(std::uint64_t state, const void* data, std::size_t size) {
  Engine engine(static_cast<typename Engine::value_type>(state));
  engine.process_bytes(data, size);
  return engine.get_interim_remainder();
}

}  // namespace

std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name) {
  for (ChecksumAlgorithm alg : kAllChecksumAlgorithms) {
    if (iequals(name, checksum_name(alg))) return alg;
  }
  return std::nullopt;
}

std::string checksum_name(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::Crc32: return "CRC32";
    case ChecksumAlgorithm::Crc32c: return "CRC32C";
    case ChecksumAlgorithm::Crc64Nvme: return "CRC64NVME";
    case ChecksumAlgorithm::Sha1: return "SHA1";
    case ChecksumAlgorithm::Sha256: return "SHA256";
  }
  return "";
}

std::string checksum_header(ChecksumAlgorithm alg) {
  std::string name = checksum_name(alg);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return "x-amz-checksum-" + name;
}

std::string checksum_xml_element(ChecksumAlgorithm alg) { return "Checksum" + checksum_name(alg); }

std::size_t checksum_size(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::Crc32: return 4;
    case ChecksumAlgorithm::Crc32c: return 4;
    case ChecksumAlgorithm::Crc64Nvme: return 8;
    case ChecksumAlgorithm::Sha1: return 20;
    case ChecksumAlgorithm::Sha256: return 32;
  }
  return 0;
}

Checksummer::Checksummer(ChecksumAlgorithm alg) : alg_(alg) {
  switch (alg) {
    case ChecksumAlgorithm::Crc32: crc_ = ::crc32(0L, Z_NULL, 0); break;
    case ChecksumAlgorithm::Crc32c: crc_ = Crc32cEngine::initial_remainder; break;
    case ChecksumAlgorithm::Crc64Nvme: crc_ = Crc64NvmeEngine::initial_remainder; break;
    case ChecksumAlgorithm::Sha1: digest_.emplace(Digest::Kind::Sha1); break;
    case ChecksumAlgorithm::Sha256: digest_.emplace(Digest::Kind::Sha256); break;
  }
}

void Checksummer::update(const void* data, std::size_t size) {
  switch (alg_) {
    case ChecksumAlgorithm::Crc32: {
      // zlib takes a uInt length; feed huge buffers in pieces.
      auto p = static_cast<const Bytef*>(data);
      while (size > 0) {
        uInt n = size > UINT_MAX ? UINT_MAX : static_cast<uInt>(size);
        crc_ = ::crc32(static_cast<uLong>(crc_), p, n);
        p += n;
        size -= n;
      }
      break;
    }
    case ChecksumAlgorithm::Crc32c: crc_ = crc_update<Crc32cEngine>(crc_, data, size); break;
    case ChecksumAlgorithm::Crc64Nvme: crc_ = crc_update<Crc64NvmeEngine>(crc_, data, size); break;
    case ChecksumAlgorithm::Sha1:
    case ChecksumAlgorithm::Sha256: digest_->update(data, size); break;
  }
}

std::string Checksummer::finish() {
  switch (alg_) {
    case ChecksumAlgorithm::Crc32: return big_endian(crc_, 4);
    case ChecksumAlgorithm::Crc32c: {
      Crc32cEngine engine(static_cast<Crc32cEngine::value_type>(crc_));
      return big_endian(engine.checksum(), 4);
    }
    case ChecksumAlgorithm::Crc64Nvme: {
      Crc64NvmeEngine engine(crc_);
      return big_endian(engine.checksum(), 8);
    }
    case ChecksumAlgorithm::Sha1:
    case ChecksumAlgorithm::Sha256: return digest_->finish();
  }
  return {};
}

std::string checksum_of(ChecksumAlgorithm alg, std::string_view data) {
  Checksummer c(alg);
  c.update(data);
  return c.finish();
}

}  // namespace bf
