// GET /_bucketfire/events: server-sent events for the console, so it updates without reloading.
// Every 250 ms with news, an "invocations" event carries the invocations ended since the last
// one (at most 500: under a burst the page gets the newest and the count of the rest, never a
// queue that grows); every 2 s a "counters" event carries what the server counts (per function,
// per bucket and storage class). Each stream has a thread of its own, which ends when its
// client goes away or the server stops.
#pragma once
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "emulator/http/body_pipe.h"
#include "emulator/http/message.h"
#include "emulator/lambda/invocation_log.h"
#include "sdk/json.h"

namespace bf {

class EventStreams {
 public:
  // `server_stopping` says when the server shuts down: every stream ends then.
  EventStreams(InvocationLog& log, std::function<Json()> counters, std::function<bool()> server_stopping)
      : log_(log), counters_(std::move(counters)), server_stopping_(std::move(server_stopping)) {}
  ~EventStreams();  // ends every stream and waits for its thread

  // The response of a new stream (text/event-stream, sent as it is written).
  HttpResponse open();

 private:
  void run(std::shared_ptr<BodyPipe> pipe);

  InvocationLog& log_;
  std::function<Json()> counters_;
  std::function<bool()> server_stopping_;
  std::mutex mu_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// An invocation record as the console and /_bucketfire/invocations show it.
Json invocation_json(const InvocationRecord& r);

}  // namespace bf
