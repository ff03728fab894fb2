// Access control lists on buckets and objects: canned ACLs, x-amz-grant-* headers and the
// AccessControlPolicy document, kept as grants beside the owner's FULL_CONTROL (which every
// ACL has). They matter where Object Ownership leaves ACLs enabled; with BucketOwnerEnforced
// (every new bucket's default) setting one is refused, as on AWS.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "emulator/http/message.h"
#include "emulator/s3/object_meta.h"
#include "emulator/s3/s3_error.h"

namespace bf {

struct BucketView;

inline constexpr const char* kAclConfigName = "acl";

// A grant is {grantee, permission}: grantee "group:AllUsers", "group:AuthenticatedUsers",
// "group:LogDelivery" or "id:<canonical user id>"; permission READ, WRITE, READ_ACP,
// WRITE_ACP or FULL_CONTROL.
using Grants = Pairs;

// The ACL a request sets through x-amz-acl or x-amz-grant-* (nullopt: it sets none).
std::variant<std::optional<Grants>, S3Error> read_acl_headers(const Headers& headers, bool for_bucket);
// An AccessControlPolicy document; grants to `owner_id` with FULL_CONTROL are the owner's own.
std::variant<Grants, S3Error> parse_acl_xml(const std::string& text, const std::string& owner_id);
// The AccessControlPolicy of a resource owned by `owner` (a principal) with these grants.
std::string acl_xml(const std::string& owner, const Grants& grants);

// Whether a bucket takes this ACL: AccessControlListNotSupported when its ownership disables
// ACLs (only the owner's own full control passes), AccessDenied when Block Public Access
// blocks public ACLs and it grants to everyone.
std::optional<S3Error> check_acl_allowed(const BucketView& bucket, const Grants& grants);
// Whether the grants give everyone (anonymous callers) this permission.
bool grants_everyone(const Grants& grants, const std::string& permission);

std::string grants_document(const Grants& grants);
Grants grants_from_document(const std::string& document);

}  // namespace bf
