// Drives the SDK's S3 client through every operation it has, against the endpoint and
// credentials of the environment (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, ...), and prints one
// line per step. Exit status 0 when every step gave what S3 should give.
//
//   bf_s3_client_check BUCKET WORKDIR
//   bf_s3_client_check --get BUCKET KEY     (prints the object; for transport checks)
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "sdk/hash.h"
#include "sdk/s3_client.h"

namespace {

int failures = 0;

void check(bool ok, const std::string& step, const std::string& detail = "") {
  std::printf("%s %s%s%s\n", ok ? "ok" : "FAILED", step.c_str(), detail.empty() ? "" : ": ",
              detail.c_str());
  std::fflush(stdout);
  if (!ok) ++failures;
}

std::string random_bytes(std::size_t n) {
  std::mt19937_64 rng{42};
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--get") {
    try {
      auto s3 = bf::S3Client::from_environment();
      std::fputs(s3->get_object(argv[2], argv[3]).body.c_str(), stdout);
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 1;
    }
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: bf_s3_client_check BUCKET WORKDIR\n");
    return 2;
  }
  const std::string bucket = argv[1];
  const std::string dir = argv[2];
  try {
    bf::S3ClientOptions options = bf::S3ClientOptions::from_environment();
    options.multipart_threshold = 6ull << 20;  // so a 13 MiB file goes up in three parts
    options.part_size = 5ull << 20;
    bf::S3Client s3(bf::make_network_transport(options.endpoint), options);

    s3.create_bucket(bucket);
    check(true, "create_bucket");

    bf::PutObjectOptions put_options;
    put_options.content_type = "text/plain";
    put_options.metadata = {{"origin", "check"}};
    auto put = s3.put_object(bucket, "small/hello world.txt", "hello, world", put_options);
    check(put.etag == "\"e4d7f1b4ed2e42d15898f4b27b019da4\"", "put_object with CRC32", put.etag);
    auto head = s3.head_object(bucket, "small/hello world.txt");
    check(head.size == 12 && head.content_type == "text/plain" && head.metadata["origin"] == "check",
          "head_object", std::to_string(head.size) + " " + head.content_type);

    const std::string big = random_bytes((13ull << 20) + 12345);
    const std::string big_path = dir + "/big.bin";
    std::ofstream(big_path, std::ios::binary).write(big.data(), static_cast<std::streamsize>(big.size()));
    auto uploaded = s3.upload_file(bucket, "big/file.bin", big_path);
    check(uploaded.etag.ends_with("-3\""), "upload_file in parts", uploaded.etag);
    check(s3.head_object(bucket, "big/file.bin").size == big.size(), "multipart size");

    const std::string mid_path = dir + "/mid.bin";
    std::ofstream(mid_path, std::ios::binary).write(big.data(), 1 << 20);
    auto single = s3.upload_file(bucket, "mid/file.bin", mid_path);
    check(!single.etag.empty() && single.etag.find('-') == std::string::npos,
          "upload_file in one streamed PUT", single.etag);

    bf::Digest digest(bf::Digest::Kind::Sha256);
    std::size_t pieces = 0;
    auto info = s3.get_object(bucket, "big/file.bin", [&](std::string_view bytes) {
      digest.update(bytes);
      ++pieces;
    });
    check(info.size == big.size() && bf::to_hex(digest.finish()) == bf::sha256_hex(big),
          "get_object streamed", std::to_string(pieces) + " pieces");

    auto range = s3.get_object(bucket, "big/file.bin", bf::ByteRange{1000, 1999});
    check(range.body == big.substr(1000, 1000), "get_object with a range");

    const std::string copy_path = dir + "/copy.bin";
    s3.download_file(bucket, "mid/file.bin", copy_path);
    std::ifstream in(copy_path, std::ios::binary);
    std::string downloaded((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    check(downloaded == big.substr(0, 1 << 20), "download_file");

    std::string copied = s3.copy_object(bucket, "small/hello world.txt", bucket, "copies/hello.txt");
    check(copied == put.etag, "copy_object", copied);
    check(s3.get_object(bucket, "copies/hello.txt").body == "hello, world", "copy contents");

    for (int i = 0; i < 5; ++i) s3.put_object(bucket, "many/" + std::to_string(i), "x");
    auto first = s3.list_objects_v2(bucket, "many/", "", 2);
    check(first.objects.size() == 2 && first.truncated && !first.next_continuation_token.empty(),
          "list_objects_v2 first page");
    auto all = s3.list_all(bucket, "many/");
    check(all.size() == 5 && all[0].key == "many/0" && all[4].key == "many/4", "list_all pages",
          std::to_string(all.size()));
    auto folders = s3.list_objects_v2(bucket, "", "", 1000, "/");
    check(folders.common_prefixes.size() == 5, "list_objects_v2 with a delimiter",
          std::to_string(folders.common_prefixes.size()));

    s3.delete_object(bucket, "copies/hello.txt");
    try {
      s3.get_object(bucket, "copies/hello.txt");
      check(false, "get of a deleted key");
    } catch (const bf::S3Exception& e) {
      check(e.code() == "NoSuchKey" && e.status() == 404, "get of a deleted key: NoSuchKey", e.code());
    }
    try {
      s3.head_object(bucket, "copies/hello.txt");
      check(false, "head of a deleted key");
    } catch (const bf::S3Exception& e) {
      check(e.status() == 404, "head of a deleted key: 404", e.code());
    }
  } catch (const std::exception& e) {
    check(false, "unexpected exception", e.what());
  }
  std::printf("%s\n", failures ? "some steps FAILED" : "all steps ok");
  return failures ? 1 : 0;
}
