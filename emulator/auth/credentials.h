// Access keys the server accepts; each key pair is its own principal.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "emulator/base/status.h"

namespace bf {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string principal;  // shown as the owner and in event userIdentity
};

class CredentialStore {
 public:
  void add(Credentials c) { by_key_[c.access_key] = std::move(c); }
  const Credentials* find(const std::string& access_key) const {
    auto it = by_key_.find(access_key);
    return it == by_key_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Credentials> by_key_;
};

// Reads an AWS shared-credentials INI file: each [section] with aws_access_key_id and
// aws_secret_access_key becomes a principal named after its section.
Status load_credentials_file(const std::string& path, CredentialStore& store);

}  // namespace bf
