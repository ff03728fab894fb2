// How a principal appears as an S3 owner: a stable 64-hex canonical id. S3 stopped answering
// owners' and grantees' DisplayName on 2025-11-21; only a multipart upload's Initiator keeps one.
#pragma once
#include <string>

namespace bf {
std::string canonical_user_id(const std::string& principal);
// <tag><ID>…</ID></tag>
std::string owner_xml(const std::string& tag, const std::string& principal);
// <Initiator><ID>…</ID><DisplayName>…</DisplayName></Initiator>
std::string initiator_xml(const std::string& principal);
}  // namespace bf
