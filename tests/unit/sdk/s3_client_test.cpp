#include "sdk/s3_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>

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

}  // namespace
}  // namespace bf
