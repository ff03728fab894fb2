#include "sdk/s3_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>
#include <map>

#include "sdk/hash.h"
#include "sdk/json.h"
#include "sdk/text.h"

namespace bf {
namespace {

// Answers from a script and records what was sent.
class ScriptedTransport final : public HttpTransport {
 public:
  std::deque<std::variant<HttpReply, std::string>> script;  // a reply, or a connection error
  std::vector<OutgoingRequest> sent;

  HttpReply send(const OutgoingRequest& request) override {
    sent.push_back(request);
    auto next = script.front();
    script.pop_front();
    if (auto* error = std::get_if<std::string>(&next)) throw std::runtime_error(*error);
    HttpReply reply = std::get<HttpReply>(next);
    if (request.body_sink && reply.status < 300) {
      request.body_sink(reply.body);
      reply.body.clear();
    }
    return reply;
  }
};

HttpReply reply(int status, std::string body = "") { return HttpReply{status, {}, std::move(body)}; }

S3ClientOptions local_options() {
  S3ClientOptions o;
  o.endpoint = {false, "127.0.0.1", "4566"};
  o.path_style = true;
  o.credentials = {"test", "test", ""};
  o.retry_base_ms = 0;  // no waiting in tests
  return o;
}

TEST(S3Client, RetriesServerErrorsAndBrokenConnections) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(503, "<Error><Code>SlowDown</Code></Error>"), std::string("connection reset"),
                       reply(200, "data")};
  S3Client s3(transport, local_options());
  EXPECT_EQ(s3.get_object("b", "k").body, "data");
  ASSERT_EQ(transport->sent.size(), 3u);
  EXPECT_EQ(transport->sent[0].host, "127.0.0.1:4566");
  EXPECT_EQ(transport->sent[0].path, "/b/k");
}

TEST(S3Client, APresignedUrlIsSentAsSignedOnTheEndpointsConnection) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(200, "original")};
  S3Client s3(transport, local_options());
  std::string got;
  s3.get_presigned("http://127.0.0.1:4566/ap-alias/a%20b/c.jpg?X-Amz-Signature=abc&X-Amz-Credential=k%2F20260101",
                   [&](std::string_view bytes) { got += bytes; });
  EXPECT_EQ(got, "original");
  ASSERT_EQ(transport->sent.size(), 1u);
  const OutgoingRequest& sent = transport->sent[0];
  EXPECT_EQ(sent.path, "/ap-alias/a b/c.jpg");
  EXPECT_EQ(sent.query, (sigv4::Params{{"X-Amz-Signature", "abc"}, {"X-Amz-Credential", "k/20260101"}}));
  EXPECT_EQ(sent.headers, (sigv4::Params{{"Host", "127.0.0.1:4566"}}));  // not signed again
  EXPECT_THROW(s3.get_presigned("not a url", [](std::string_view) {}), std::invalid_argument);
}

TEST(S3Client, WriteGetObjectResponseGoesToTheRoutesHost) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(200)};
  S3Client s3(transport, local_options());
  WriteGetObjectResponseRequest answer;
  answer.route = "io-1a2b";
  answer.token = "t";
  answer.content_type = "image/webp";
  s3.write_get_object_response(answer, "bytes");
  ASSERT_EQ(transport->sent.size(), 1u);
  const OutgoingRequest& sent = transport->sent[0];
  EXPECT_EQ(sent.host, "io-1a2b.127.0.0.1:4566");
  EXPECT_EQ(sent.path, "/WriteGetObjectResponse");
  auto header = [&](std::string_view name) {
    for (const auto& [k, v] : sent.headers)
      if (ascii_lower(k) == ascii_lower(std::string(name))) return v;
    return std::string();
  };
  EXPECT_EQ(header("x-amz-request-route"), "io-1a2b");
  EXPECT_EQ(header("x-amz-fwd-header-Content-Type"), "image/webp");
  EXPECT_NE(header("Authorization").find("/s3-object-lambda/aws4_request"), std::string::npos);
}

TEST(S3Client, ClientErrorsAreNotRetried) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(404, "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>")};
  S3Client s3(transport, local_options());
  try {
    s3.get_object("b", "k");
    FAIL() << "expected NoSuchKey";
  } catch (const S3Exception& e) {
    EXPECT_EQ(e.code(), "NoSuchKey");
    EXPECT_EQ(e.status(), 404);
  }
  EXPECT_EQ(transport->sent.size(), 1u);
}

TEST(S3Client, GivesUpAfterMaxAttempts) {
  auto transport = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 4; ++i) transport->script.push_back(reply(500, "<Error><Code>InternalError</Code></Error>"));
  S3Client s3(transport, local_options());
  EXPECT_THROW(s3.head_object("b", "k"), S3Exception);
  EXPECT_EQ(transport->sent.size(), 4u);
}

TEST(S3Client, DeadlineCheckRunsBeforeEveryAttempt) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(503)};
  int checks = 0;
  S3Client s3(transport, local_options(), [&] {
    if (++checks == 2) throw std::runtime_error("deadline passed");
  });
  EXPECT_THROW(s3.get_object("b", "k"), std::runtime_error);
  EXPECT_EQ(transport->sent.size(), 1u);
}

TEST(S3Client, PutSendsCrc32AndSignsTheBody) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(200)};
  S3Client s3(transport, local_options());
  s3.put_object("b", "a b.txt", "hello");
  const auto& req = transport->sent.at(0);
  auto header = [&](const std::string& name) {
    for (const auto& [k, v] : req.headers)
      if (k == name) return v;
    return std::string();
  };
  EXPECT_EQ(header("x-amz-checksum-crc32"), "NhCmhg==");
  EXPECT_EQ(header("x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_NE(header("authorization").find("SignedHeaders="), std::string::npos);
  EXPECT_EQ(encoded_target(req), "/b/a%20b.txt");
}

TEST(S3Client, AddressingFromTheEnvironment) {
  ::setenv("AWS_REGION", "eu-west-1", 1);
  ::unsetenv("AWS_ENDPOINT_URL_S3");
  ::unsetenv("AWS_ENDPOINT_URL");
  ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  ::setenv("AWS_SESSION_TOKEN", "token", 1);
  S3ClientOptions aws = S3ClientOptions::from_environment();
  EXPECT_TRUE(aws.endpoint.tls);
  EXPECT_EQ(aws.endpoint.host, "s3.eu-west-1.amazonaws.com");
  EXPECT_FALSE(aws.path_style);
  EXPECT_EQ(aws.credentials.session_token, "token");

  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(200), reply(200)};
  S3Client s3(transport, aws);
  s3.delete_object("photos", "k");
  EXPECT_EQ(transport->sent[0].host, "photos.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(transport->sent[0].path, "/k");
  s3.delete_object("dotted.bucket", "k");  // no virtual host over TLS for dotted names
  EXPECT_EQ(transport->sent[1].host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(transport->sent[1].path, "/dotted.bucket/k");

  ::setenv("AWS_ENDPOINT_URL", "http://localhost:4566", 1);
  S3ClientOptions local = S3ClientOptions::from_environment();
  EXPECT_FALSE(local.endpoint.tls);
  EXPECT_EQ(local.endpoint.authority(), "localhost:4566");
  EXPECT_TRUE(local.path_style);
  ::setenv("AWS_ENDPOINT_URL_S3", "https://minio.example:9000/", 1);
  EXPECT_EQ(S3ClientOptions::from_environment().endpoint.authority(), "minio.example:9000");
  for (const char* name : {"AWS_REGION", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
    ::unsetenv(name);
  EXPECT_THROW(parse_endpoint_url("ftp://x"), std::invalid_argument);
}

// AWS's "Authenticating Requests: Using Query Parameters" example: a presigned GET of
// test.txt in examplebucket for 24 hours gives exactly the documented URL.
TEST(S3Client, PresignReproducesAwsExampleUrl) {
  S3ClientOptions o;
  o.credentials = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  o.endpoint = {true, "s3.amazonaws.com", "443"};
  S3Client s3(std::make_shared<ScriptedTransport>(), o);
  const auto when = std::chrono::system_clock::from_time_t(1369353600);  // 2013-05-24T00:00:00Z
  PresignedRequest url = s3.presign("GET", "examplebucket", "test.txt", std::chrono::hours(24), {}, when);
  EXPECT_EQ(url.url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(S3Client, PresignSignsTheHeadersTheCallerMustSend) {
  S3Client s3(std::make_shared<ScriptedTransport>(), local_options());
  PresignedRequest put = s3.presign("PUT", "ingest", "uploads/a b.jpg", std::chrono::minutes(15),
                                    {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(put.url.rfind("http://127.0.0.1:4566/ingest/uploads/a%20b.jpg?", 0), 0u) << put.url;
  EXPECT_NE(put.url.find("X-Amz-Expires=900&X-Amz-SignedHeaders=content-type%3Bhost&"), std::string::npos)
      << put.url;
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0].second, "image/jpeg");
}

TEST(S3Client, PresignedPostPolicyCoversEveryField) {
  S3Client s3(std::make_shared<ScriptedTransport>(), local_options());
  PostConditions conditions;
  conditions.content_type = "image/png";
  conditions.max_size = 1000;
  const auto when = std::chrono::system_clock::from_time_t(1369353600);
  PresignedPost post = s3.presigned_post("ingest", "uploads/x.png", std::chrono::minutes(15), conditions, when);
  EXPECT_EQ(post.url, "http://127.0.0.1:4566/ingest");
  std::map<std::string, std::string> fields(post.fields.begin(), post.fields.end());
  EXPECT_EQ(fields["key"], "uploads/x.png");
  EXPECT_EQ(fields["x-amz-credential"], "test/20130524/us-east-1/s3/aws4_request");
  const Json policy = Json::parse(*base64_decode(fields["policy"]));
  EXPECT_EQ(policy["expiration"], "2013-05-24T00:15:00.000Z");
  EXPECT_EQ(policy["conditions"].dump(),
            R"([{"bucket":"ingest"},{"key":"uploads/x.png"},{"Content-Type":"image/png"},)"
            R"(["content-length-range",0,1000],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},)"
            R"({"x-amz-credential":"test/20130524/us-east-1/s3/aws4_request"},{"x-amz-date":"20130524T000000Z"}])");
  EXPECT_EQ(fields["x-amz-signature"],
            sigv4::signature(sigv4::signing_key("test", "20130524", "us-east-1", "s3"), fields["policy"]));
}

TEST(S3Client, ConditionalAndArchivalWritesSendTheirHeaders) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->script = {reply(200), reply(200, "<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>")};
  S3Client s3(transport, local_options());
  PutObjectOptions put;
  put.if_match = "\"abc\"";
  s3.put_object("b", "index.json", "{}", put);
  s3.copy_object("b", "k", "archive", "k", {"DEEP_ARCHIVE"});
  auto header = [](const OutgoingRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v;
    return std::string("(absent)");
  };
  EXPECT_EQ(header(transport->sent[0], "if-match"), "\"abc\"");
  EXPECT_EQ(header(transport->sent[1], "x-amz-storage-class"), "DEEP_ARCHIVE");
}

TEST(S3Client, RestoreObjectAndTheArchiveHeaders) {
  auto transport = std::make_shared<ScriptedTransport>();
  HttpReply head = reply(200);
  head.headers = {{"x-amz-storage-class", "DEEP_ARCHIVE"},
                  {"x-amz-restore", "ongoing-request=\"true\""},
                  {"x-amz-archive-status", "DEEP_ARCHIVE_ACCESS"}};
  transport->script = {head, reply(202), reply(200)};
  S3Client s3(transport, local_options());
  const ObjectInfo info = s3.head_object("archive", "k");
  EXPECT_EQ(info.storage_class, "DEEP_ARCHIVE");
  EXPECT_EQ(info.restore, "ongoing-request=\"true\"");
  EXPECT_EQ(info.archive_status, "DEEP_ARCHIVE_ACCESS");
  EXPECT_EQ(s3.restore_object("archive", "k", {7, "Bulk"}), RestoreStarted::Started);
  EXPECT_EQ(s3.restore_object("archive", "k", {std::nullopt, "Standard"}), RestoreStarted::AlreadyRestored);
  const OutgoingRequest& sent = transport->sent[1];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.query, (sigv4::Params{{"restore", ""}}));
  EXPECT_NE(sent.body.find("<Days>7</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters>"),
            std::string::npos);
  EXPECT_EQ(transport->sent[2].body.find("<Days>"), std::string::npos);  // Intelligent-Tiering: no Days
}

}  // namespace
}  // namespace bf
