// The reference pipeline's functions (fixtures/pipeline.json wires them):
//   request:   presign (POST /uploads), images (GET /images/{id}), search (GET /search),
//              similar (GET /similar/{id})
//   processor: thumbnail (ingest ObjectCreated), then metadata (thumbnail's on-success
//              destination: S3 allows one function per event type and key range, and the
//              thumbnail step's full decode rejects bad uploads before anything is written)
//   indexer:   indexer (processed metadata/*.json)
//   archiver:  archiver (the indexer's on-success destination)
// Each uses only the SDK, so the same code runs in the emulator and on AWS.
#pragma once
#include <map>
#include <string>

#include "sdk/context.h"

namespace bf::pipeline {

Json presign(const Json& event, Context& ctx);
Json images(const Json& event, Context& ctx);
Json search(const Json& event, Context& ctx);
Json similar(const Json& event, Context& ctx);
Json thumbnail(const S3Event& event, Context& ctx);
Json metadata(const Json& event, Context& ctx);
Json indexer(const S3Event& event, Context& ctx);
Json archiver(const S3Event& event, Context& ctx);

// All of the above by handler name.
std::map<std::string, Handler> handlers();

}  // namespace bf::pipeline
