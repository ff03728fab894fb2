// The reference pipeline's functions (fixtures/pipeline.json wires them):
//   request:   presign (POST /uploads), images (GET /images/{id}), search (GET /search),
//              similar (GET /similar/{id})
//   processor: thumbnail (ingest ObjectCreated, or a Batch Operations job's tasks: reprocessing
//              the archive), then metadata (thumbnail's on-success
//              destination: S3 allows one function per event type and key range, and the
//              thumbnail step's full decode rejects bad uploads before anything is written)
//   indexer:   indexer (processed metadata/*.json)
//   archiver:  archiver (the indexer's on-success destination)
//   restores:  restore (POST /images/{id}/restore), restored (archive ObjectRestore:Completed
//              and :Delete)
//   delivery:  reencode (GetObject through the Object Lambda access point over processed: the
//              image re-encoded for the client's Accept header, metadata stripped)
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
// An S3 Batch Operations job's tasks (schema 1.0 or 2.0): each original's thumbnails and
// metadata made again, with the user arguments thumbnailSizes, thumbnailFormats and
// thumbnailQuality in place of the function's settings.
Json thumbnail_batch(const BatchJobEvent& event, Context& ctx);
Json metadata(const Json& event, Context& ctx);
Json indexer(const S3Event& event, Context& ctx);
Json archiver(const S3Event& event, Context& ctx);
Json restore(const Json& event, Context& ctx);
Json restored(const S3Event& event, Context& ctx);
// An S3 Object Lambda GetObject: the original re-encoded as format_for_accept picks, answered
// with WriteGetObjectResponse (its read error, or 415 with the image error, when it cannot be).
Json reencode(const Json& event, Context& ctx);

// Whether HEAD says a GET would read the bytes: not archived (GLACIER, DEEP_ARCHIVE, or an
// Intelligent-Tiering archive tier), or archived with a finished restore.
bool readable_now(const ObjectInfo& info);

// All of the above by handler name.
std::map<std::string, Handler> handlers();

}  // namespace bf::pipeline
