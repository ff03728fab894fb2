// The SDK's transport for handlers running inside the emulator: a signed request goes
// straight to the emulator's services (no socket), through the same authentication and S3
// code a network client meets, so handler writes fire events like any other.
#pragma once
#include <functional>
#include <memory>

#include "emulator/http/message.h"
#include "sdk/http_transport.h"

namespace bf {

// Called with each request once its response is ready (its body not yet read), and how long
// that took in milliseconds: what the server's access log sees of a network request.
using InProcessCompleted = std::function<void(const HttpRequest&, const HttpResponse&, double milliseconds)>;

std::shared_ptr<HttpTransport> make_inprocess_transport(Service& service, InProcessCompleted completed = {});

}  // namespace bf
