// The Lambda Runtime API loop: a bootstrap's main is one call,
//
//   int main() { return bf::serve(my_handler); }
//
// It long-polls $AWS_LAMBDA_RUNTIME_API for the next event, builds the Context from the
// response headers and the environment Lambda sets, calls the handler, and posts its result
// or its error. A handler's exception is reported as a function error; the loop goes on.
#pragma once
#include <functional>

#include "sdk/context.h"

namespace bf {

// `init` (optional) runs once before the first event; if it throws, the error goes to
// /runtime/init/error and serve returns 1. Returns when the Runtime API is gone (2 if
// AWS_LAMBDA_RUNTIME_API is not set).
int serve(Handler handler, std::function<void()> init = {});

// The error document Lambda expects: {"errorMessage","errorType","stackTrace":[]}.
Json error_document(const std::string& type, const std::string& message);

}  // namespace bf
