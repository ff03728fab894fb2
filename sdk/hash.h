// Hashes, HMACs and encodings used by SigV4/SigV2 and integrity checks (OpenSSL EVP underneath).
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bf {

std::string to_hex(std::string_view bytes);  // lowercase
std::string base64_encode(std::string_view bytes);
// Strict standard-alphabet base64 with padding; nullopt on any invalid input.
std::optional<std::string> base64_decode(std::string_view text);

// One-shot digests return raw bytes.
std::string md5(std::string_view data);
std::string sha1(std::string_view data);
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha1(std::string_view key, std::string_view data);

// Compares without an early exit, so the time taken does not reveal a matching prefix: for
// signatures and secrets.
bool constant_time_equal(std::string_view a, std::string_view b);
// 64 lower-case hex digits: a SHA-256 as SigV4 writes it.
bool is_sha256_hex(std::string_view s);

// Streaming digest, for bodies that never sit in memory whole.
class Digest {
 public:
  enum class Kind { Md5, Sha1, Sha256 };
  explicit Digest(Kind kind);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  std::string finish();  // raw digest; the object may not be updated afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bf
