#include "handlers/catalog.h"

#include "handlers/samples/samples.h"

namespace bf {

std::map<std::string, Handler> builtin_handlers() {
  return {
      {"noop", samples::noop},
      {"echo", samples::echo},
      {"log-event", samples::log_event},
      {"save-event", samples::save_event},
      {"fail", samples::fail},
      {"sleep", samples::sleep},
      {"copy", s3_handler(samples::copy)},
      {"event-summary", s3_handler(samples::event_summary)},
      {"http-hello", samples::http_hello},
      {"token-authorizer", samples::token_authorizer},
  };
}

}  // namespace bf
