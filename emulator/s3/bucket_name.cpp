#include "emulator/s3/bucket_name.h"

#include <cctype>

namespace bf {

std::optional<S3Error> validate_bucket_name(const std::string& name) {
  auto invalid = [&] { return s3_error("InvalidBucketName").with("BucketName", name); };
  if (name.size() < 3 || name.size() > 63) return invalid();
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '-'))
      return invalid();
  if (!std::isalnum(static_cast<unsigned char>(name.front())) ||
      !std::isalnum(static_cast<unsigned char>(name.back())))
    return invalid();
  if (name.find("..") != std::string::npos || name.find(".-") != std::string::npos ||
      name.find("-.") != std::string::npos)
    return invalid();
  // Not shaped like an IPv4 address.
  int dots = 0;
  bool digits_and_dots = true;
  for (char c : name) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) digits_and_dots = false;
  }
  if (digits_and_dots && dots == 3) return invalid();
  for (const char* prefix : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (name.starts_with(prefix)) return invalid();
  for (const char* suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
    if (name.ends_with(suffix)) return invalid();
  return std::nullopt;
}

}  // namespace bf
