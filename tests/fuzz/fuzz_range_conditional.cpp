// Range and the conditional headers (If-Match, If-None-Match, If-(Un)Modified-Since and their
// x-amz-copy-source- forms). Input: the Range value, the object size, then header lines.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/base/time.h"
#include "emulator/s3/preconditions.h"
#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = bf::fuzz::parse_text_request({reinterpret_cast<const char*>(data), size});
  // parse_text_request's "METHOD target" line carries the range and the size here.
  std::uint64_t object_size = 0;
  for (char c : text.target.substr(0, 19))
    if (c >= '0' && c <= '9') object_size = object_size * 10 + static_cast<std::uint64_t>(c - '0');

  bf::ByteRange range;
  bf::RangeResult result = bf::parse_range(text.method, object_size, range);
  if (result == bf::RangeResult::Partial &&
      (range.length == 0 || range.first >= object_size || range.length > object_size - range.first))
    std::abort();  // a partial range lies inside the object

  bf::ObjectRecord object;
  object.bucket = "fuzz";
  object.key = "key";
  object.size = object_size;
  object.etag = "9bb58f26192e4ba00f01e2e7b136bbd8";
  object.last_modified_ms = 1767225600000;
  (void)bf::evaluate_preconditions(text.headers, object, bf::kGetConditions, false);
  (void)bf::evaluate_preconditions(text.headers, object, bf::kCopySourceConditions, true);
  for (const auto& [name, value] : text.headers) {
    (void)bf::parse_http_date(value);
    (void)bf::etag_matches(value, object.etag);
  }
  return 0;
}
