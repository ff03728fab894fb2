// A region's list prices, read from a JSON table (fixtures/prices/<region>.json, built into
// the binary; `--prices FILE` for another): a price per usage type and operation, the unit it
// is quoted in, the region's usage-type prefix per service, and the monthly free tier.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bf {

struct Price {
  std::string service;     // the CUR's product code: AmazonS3, AWSLambda, AmazonApiGateway, ...
  std::string usage_type;  // without the region's prefix
  std::string operation;   // "*": any operation
  std::string unit;        // GB-Mo, Requests, GB, Objects, Lambda-GB-Second
  double price = 0;        // USD per unit
  std::string source;      // the AWS page it is from
};

// A monthly free allowance of one usage type, in its price's unit.
struct FreeAllowance {
  std::string usage_type;
  std::string operation;  // "*": any
  double quantity = 0;
};

struct PriceTable {
  std::string region;
  std::string currency = "USD";
  std::string as_of;
  std::string source;
  std::map<std::string, std::string> prefixes;  // service -> usage type prefix ("", "USE1-", "EU-")
  std::vector<Price> prices;
  std::vector<FreeAllowance> free_tier;

  // The price of a usage type for an operation (an exact operation before "*").
  const Price* find(const std::string& usage_type, const std::string& operation) const;
  // The usage type as the region's CUR spells it.
  std::string prefixed(const Price& price) const;
};

// Parses a table; an error names what is wrong.
std::variant<PriceTable, std::string> parse_price_table(const std::string& json_text);

// The built-in table for `region`, or us-east-1's prices under the region's own prefixes when
// the repository has none for it (the table then says so in its source).
PriceTable builtin_price_table(const std::string& region);

// The billing code AWS puts in front of usage types for a region ("USE2", "EU", "APN1"; empty
// when unknown).
std::string region_billing_code(const std::string& region);

}  // namespace bf
