// The composition root built as a CLI command builds it: options and a handler set in, a real
// server out, driven here over HTTP by the SDK's S3 client and a function invoked in-process.
#include <gtest/gtest.h>

#include <thread>

#include "emulator/app/emulator.h"
#include "emulator/lambda/function_registry.h"
#include "emulator/lambda/invoker.h"
#include "sdk/http_transport.h"
#include "sdk/s3_client.h"

namespace bf {
namespace {

ServeOptions in_memory() {
  ServeOptions options;
  options.port = 0;
  options.data_dir = ":memory:";
  options.access_log = false;
  options.threads = 2;
  return options;
}

TEST(Emulator, ServesS3OnThePortItBindsAndStops) {
  Emulator emulator(in_memory(), HandlerSet{}, stderr);
  ASSERT_TRUE(emulator.open()) << "open";
  auto port = emulator.listen();
  ASSERT_TRUE(port) << port.error().message();
  std::thread serving([&] { emulator.serve(); });

  S3ClientOptions client_options;
  client_options.region = "us-east-1";
  client_options.credentials = {"test", "test", ""};
  client_options.path_style = true;
  client_options.endpoint = EndpointUrl{false, "127.0.0.1", std::to_string(*port)};
  S3Client s3(make_network_transport(client_options.endpoint), client_options);
  s3.create_bucket("made-in-a-test");
  s3.put_object("made-in-a-test", "hello.txt", "hello");
  EXPECT_EQ(s3.get_object("made-in-a-test", "hello.txt").body, "hello");

  emulator.stop();
  serving.join();
}

TEST(Emulator, RunsTheHandlersItIsGiven) {
  HandlerSet handlers;
  handlers.catalog["echo"] = [](const Json& event, Context&) { return event; };
  Emulator emulator(in_memory(), handlers, stderr);
  ASSERT_TRUE(emulator.open());
  FunctionConfig fn;
  fn.name = "echo";
  fn.handler = "echo";
  InvokeRequest request;
  request.function = fn;
  request.payload = R"({"said":"hi"})";
  request.request_id = "test";
  InvokeResult result = emulator.invoker().run(std::move(request));
  EXPECT_EQ(result.outcome, Outcome::Success);
  EXPECT_EQ(Json::parse(result.payload)["said"], "hi");
}

TEST(Emulator, ReportsAPipelineFileItCannotRead) {
  ServeOptions options = in_memory();
  options.config_file = "/nonexistent/pipeline.json";
  Emulator emulator(options, HandlerSet{}, stderr);
  Status s = emulator.open();
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("/nonexistent/pipeline.json"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace bf
