// Block Public Access and Object Ownership, per bucket, as AWS sets them for new buckets since
// April 2023: all four public access blocks on, and ACLs disabled (BucketOwnerEnforced).
// Buckets made before bucketfire kept these settings have neither configured: their ACLs
// apply and nothing blocks public access, as for a bucket made on AWS before 2023.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "emulator/s3/s3_error.h"
#include "emulator/store/bucket_store.h"

namespace pugi {
class xml_node;
}

namespace bf {

inline constexpr const char* kPublicAccessBlockConfigName = "publicAccessBlock";
inline constexpr const char* kOwnershipConfigName = "ownershipControls";

struct PublicAccessBlock {
  bool block_public_acls = true;        // refuse requests that set public ACLs
  bool ignore_public_acls = true;       // public ACLs grant nothing
  bool block_public_policy = true;      // refuse a public bucket policy
  bool restrict_public_buckets = true;  // a public policy grants nothing to anonymous callers
};

// A <PublicAccessBlockConfiguration> element, as PutPublicAccessBlock and S3 Control's
// CreateAccessPoint carry it: a setting left out is off; nullopt for one neither true nor false.
std::optional<PublicAccessBlock> read_public_access_block(const pugi::xml_node& element);
// Appends that element; S3's namespace on it when it stands as a document of its own.
void append_public_access_block_xml(std::string& out, const PublicAccessBlock& block, bool with_namespace);

std::variant<PublicAccessBlock, S3Error> parse_public_access_block_xml(const std::string& text);
std::string public_access_block_xml(const PublicAccessBlock& block);
// The stored document (the XML above) back; nullopt if it does not parse.
std::optional<PublicAccessBlock> public_access_block_from_document(const std::string& document);

// BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter; empty when the bucket has none
// configured (ACLs apply).
bool is_object_ownership(const std::string& value);
inline bool acls_enabled(const std::string& ownership) { return ownership != "BucketOwnerEnforced"; }

// What CreateBucket (and the pipeline file) give a new bucket: every public access block on
// and this ownership.
Status set_new_bucket_access(BucketStore& buckets, const std::string& bucket, const std::string& ownership);

}  // namespace bf
