// Small handlers built into the emulator, for trying the pipeline out and for tests: each is a
// plain function of (event, context), exactly as a shipped handler is.
#pragma once
#include <map>
#include <string>

#include "sdk/context.h"

namespace bf::samples {

Json noop(const Json& event, Context& ctx);        // returns {} (for benchmarks)
Json echo(const Json& event, Context& ctx);        // returns the event
Json log_event(const Json& event, Context& ctx);   // writes the event to the log
Json save_event(const Json& event, Context& ctx);  // stores the event in $EVENT_BUCKET
Json fail(const Json& event, Context& ctx);        // throws $ERROR_TYPE / $ERROR_MESSAGE
Json sleep(const Json& event, Context& ctx);       // sleeps $SLEEP_MS, then writes to $SAVE_BUCKET
Json copy(const S3Event& event, Context& ctx);     // copies each new object to $TARGET_BUCKET
// The reference handler run in-process, as a C++ bootstrap and as a Python runtime (the
// same answer each way): {"count": n, "objects": [{"event","bucket","key","size"}]}.
Json event_summary(const S3Event& event, Context& ctx);
// An S3 Object Lambda function: the original upper-cased, through WriteGetObjectResponse.
Json object_lambda_upper(const Json& event, Context& ctx);
// An HTTP API / Function URL handler: a full payload-2.0 response greeting {id} (or "world"),
// with a cookie; ?status=N answers that status; ?binary=1 answers bytes, base64-encoded.
Json http_hello(const Json& event, Context& ctx);
// A Lambda authorizer (simple responses): allows when the identity source equals $TOKEN
// (default "letmein"); its context names the invocation that decided.
Json token_authorizer(const Json& event, Context& ctx);

// All of the above by handler name.
std::map<std::string, Handler> handlers();

}  // namespace bf::samples
