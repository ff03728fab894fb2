#include "sdk/hash.h"

#include <openssl/crypto.h>

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace bf {

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Reverse lookup: -1 for bytes outside the standard alphabet.
constexpr std::array<int, 256> make_base64_table() {
  std::array<int, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kBase64Alphabet[i])] = i;
  return table;
}
constexpr std::array<int, 256> kBase64Table = make_base64_table();

const EVP_MD* evp_md(Digest::Kind kind) {
  switch (kind) {
    case Digest::Kind::Md5: return EVP_md5();
    case Digest::Kind::Sha1: return EVP_sha1();
    case Digest::Kind::Sha256: return EVP_sha256();
  }
  return EVP_sha256();
}

// OpenSSL rejects some null pointers even with a zero length (a default string_view has a null
// data()), so empty inputs always point at a real byte.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.data() != nullptr ? reinterpret_cast<const unsigned char*>(s.data()) : &kEmpty;
}

std::string one_shot(const EVP_MD* md, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes_of(data), data.size(), buf, &len, md, nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(md, bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(), buf,
           &len) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<char*>(buf), len);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = at(i) << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

// Strict: length a multiple of 4, padding only at the end, no whitespace, and the unused
// bits before the padding must be zero (so every value has exactly one accepted spelling,
// which matters when checksums are compared as text).
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=')
    pad = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  const std::size_t data_len = text.size() - pad;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int vals[4];
    for (int k = 0; k < 4; ++k) {
      std::size_t pos = i + k;
      if (pos >= data_len) {
        vals[k] = 0;  // padding position
        continue;
      }
      vals[k] = kBase64Table[static_cast<unsigned char>(text[pos])];
      if (vals[k] < 0) return std::nullopt;  // includes a stray '=' in the middle
    }
    std::uint32_t v = (vals[0] << 18) | (vals[1] << 12) | (vals[2] << 6) | vals[3];
    const bool last = i + 4 == text.size();
    std::size_t bytes = last ? 3 - pad : 3;
    if (last && pad == 2 && (v & 0xFFFF) != 0) return std::nullopt;
    if (last && pad == 1 && (v & 0xFF) != 0) return std::nullopt;
    out.push_back(static_cast<char>((v >> 16) & 0xFF));
    if (bytes >= 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (bytes >= 3) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

std::string md5(std::string_view data) { return one_shot(EVP_md5(), data); }
std::string sha1(std::string_view data) { return one_shot(EVP_sha1(), data); }
std::string sha256(std::string_view data) { return one_shot(EVP_sha256(), data); }
std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }
std::string hmac_sha256(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), key, data);
}
std::string hmac_sha1(std::string_view key, std::string_view data) {
  return hmac(EVP_sha1(), key, data);
}

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(Kind kind) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, evp_md(kind), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::update(const void* data, std::size_t size) {
  if (size == 0) return;
  if (EVP_DigestUpdate(impl_->ctx, data, size) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::string Digest::finish() {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, buf, &len) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  return std::string(reinterpret_cast<char*>(buf), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace bf
