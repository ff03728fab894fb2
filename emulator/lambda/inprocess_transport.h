// The SDK's transport for handlers running inside the emulator: a signed request goes
// straight to the emulator's services (no socket), through the same authentication and S3
// code a network client meets, so handler writes fire events like any other.
#pragma once
#include <memory>

#include "emulator/http/message.h"
#include "sdk/http_transport.h"

namespace bf {

std::shared_ptr<HttpTransport> make_inprocess_transport(Service& service);

}  // namespace bf
