#include "handlers/pipeline/handlers.h"

namespace bf::pipeline {

std::map<std::string, Handler> handlers() {
  return {
      {"presign", presign},
      {"images", images},
      {"search", search},
      {"similar", similar},
      {"thumbnail", s3_or_batch_handler(thumbnail, thumbnail_batch)},
      {"metadata", metadata},
      {"indexer", s3_handler(indexer)},
      {"archiver", s3_handler(archiver)},
      {"restore", restore},
      {"restored", s3_handler(restored)},
      {"reencode", reencode},
  };
}

}  // namespace bf::pipeline
