// User metadata beyond US-ASCII, as S3 carries it in headers (RFC 2047 encoded-words): a value
// made of encoded-words is decoded before it is stored, any other byte outside US-ASCII is read
// as ISO-8859-1, and a stored value that is not printable US-ASCII is answered as one
// "=?UTF-8?B?…?=" encoded-word.
#pragma once
#include <string>
#include <string_view>

namespace bf {

// A header value as sent -> the UTF-8 text stored.
std::string decode_metadata_value(std::string_view raw);
// The UTF-8 text stored -> the header value answered.
std::string encode_metadata_value(std::string_view stored);

}  // namespace bf
