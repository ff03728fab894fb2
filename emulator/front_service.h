// The one port's router: /_bucketfire/ to the emulator's own endpoints, Lambda API paths to
// the Lambda service, everything else to S3.
#pragma once
#include "emulator/http/message.h"

namespace bf {

class FrontService final : public Service {
 public:
  FrontService(Service& s3, Service& lambda, Service& internal)
      : s3_(s3), lambda_(lambda), internal_(internal) {}
  Dispatch begin(const HttpRequest& request) override;

 private:
  Service& s3_;
  Service& lambda_;
  Service& internal_;
};

}  // namespace bf
