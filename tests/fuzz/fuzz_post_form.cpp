// Browser-form uploads: the POST policy document on its own (input before the first
// "\n=====\n": policy JSON, then form fields as "name: value" lines after a blank line), and
// the multipart/form-data body (the rest, boundary "fuzzboundary") through the S3 service, as
// an unsigned POST to bucket "fuzz" — which is what a browser sends.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/s3/post_policy.h"
#include "sdk/text.h"
#include "tests/fuzz/support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find("\n=====\n");
  std::string_view policy_part = input.substr(0, split);
  std::string_view form_body = split == std::string_view::npos ? "" : input.substr(split + 7);

  // parse_text_request: its first line and headers stand for the policy and the fields.
  std::size_t blank = policy_part.find("\n\n");
  std::string policy(policy_part.substr(0, blank));
  auto fields = bf::fuzz::parse_text_request(
      "X x\n" + std::string(blank == std::string_view::npos ? "" : policy_part.substr(blank + 2)));
  bf::PostForm form;
  form.bucket = "fuzz";
  for (const auto& [name, value] : fields.headers) form.fields[bf::ascii_lower(name)] = value;
  bf::ContentLengthRange range;
  (void)bf::check_post_policy(policy, form, 1767225600000, range);

  bf::fuzz::S3Harness harness;
  bf::HttpRequest request;
  request.method = "POST";
  request.target = "/fuzz";
  request.headers = {{"Host", bf::fuzz::kHost},
                     {"Content-Type", "multipart/form-data; boundary=fuzzboundary"}};
  request.remote_ip = "127.0.0.1";
  request.request_id = "FUZZ";
  request.content_length = form_body.size();
  request.has_body = !form_body.empty();
  bf::HttpResponse response = bf::fuzz::run(*harness.service, request, form_body);
  if (response.status >= 500 && response.status != 501) bf::fuzz::fail("a server error", &response);
  return 0;
}
