#include "emulator/s3/owner.h"

#include "emulator/s3/xml.h"
#include "sdk/hash.h"

namespace bf {

std::string canonical_user_id(const std::string& principal) {
  return sha256_hex("bucketfire-owner:" + principal);
}

std::string owner_xml(const std::string& tag, const std::string& principal) {
  std::string out = "<" + tag + ">";
  xml::element(out, "ID", canonical_user_id(principal));
  out += "</" + tag + ">";
  return out;
}

std::string initiator_xml(const std::string& principal) {
  std::string out = "<Initiator>";
  xml::element(out, "ID", canonical_user_id(principal));
  xml::element(out, "DisplayName", principal);
  out += "</Initiator>";
  return out;
}

}  // namespace bf
