// How a principal appears as an S3 owner: a stable 64-hex canonical id and a display name.
#pragma once
#include <string>

namespace bf {
std::string canonical_user_id(const std::string& principal);
// <tag><ID>…</ID><DisplayName>…</DisplayName></tag>
std::string owner_xml(const std::string& tag, const std::string& principal);
}  // namespace bf
