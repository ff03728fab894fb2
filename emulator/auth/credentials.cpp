#include "emulator/auth/credentials.h"

#include <fstream>
#include <vector>

namespace bf {

namespace {
std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}
}  // namespace

Status load_credentials_file(const std::string& path, CredentialStore& store) {
  std::ifstream in(path);
  if (!in) return Status::io_error("cannot read credentials file " + path);
  std::string line, section;
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::vector<std::string> order;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      if (!sections.count(section)) order.push_back(section);
      sections[section];
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty())
      return Status::invalid(path + ": expected 'name = value' inside a [section]: " + line);
    sections[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  for (const auto& name : order) {
    auto& values = sections[name];
    auto key = values.find("aws_access_key_id");
    auto secret = values.find("aws_secret_access_key");
    if (key == values.end() || secret == values.end())
      return Status::invalid(path + ": section [" + name +
                             "] needs aws_access_key_id and aws_secret_access_key");
    store.add({key->second, secret->second, name});
  }
  if (order.empty()) return Status::invalid(path + ": no credentials found");
  return Status::ok();
}

}  // namespace bf
