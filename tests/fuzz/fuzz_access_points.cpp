// What S3 Control reads for access points (a CreateAccessPointRequest, a
// PutAccessPointPolicyRequest, an Object Lambda configuration) and the bucket names the S3 service looks access points up by.
// Each body is read or refused with a reason; a name read back is the access point it was made as.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator/s3control/access_point_xml.h"
#include "emulator/store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto created = bf::parse_create_access_point(input, "fuzzed");
  if (auto* r = std::get_if<bf::S3Error>(&created); r && (r->code.empty() || r->message.empty())) std::abort();
  auto policy = bf::parse_access_point_policy(input);
  if (auto* r = std::get_if<bf::S3Error>(&policy); r && r->code.empty()) std::abort();
  for (const char* root : {"CreateAccessPointForObjectLambdaRequest", "PutAccessPointConfigurationForObjectLambdaRequest"}) {
    auto config = bf::parse_object_lambda_configuration(input, root);
    if (auto* r = std::get_if<bf::S3Error>(&config); r && r->code.empty()) std::abort();
    if (auto* c = std::get_if<bf::ObjectLambdaConfiguration>(&config)) (void)bf::object_lambda_configuration_xml(*c);
  }

  // The first line as an access point name, the rest as the bucket names requests could use.
  auto store = std::move(bf::open_sqlite_store({":memory:", false}).value());
  bf::AccessPoints points(store->documents(), "000000000000");
  const std::string name = input.substr(0, input.find('\n'));
  bf::AccessPoint point;
  point.name = name;
  point.bucket = "bucket";
  auto made = points.create(point, true);
  if (auto* p = std::get_if<bf::AccessPoint>(&made)) {
    auto by_alias = points.addressed_by(p->alias, false);
    auto by_host = points.addressed_by(name + "-000000000000", true);
    if (!by_alias || by_alias->name != name || !by_host || by_host->name != name) std::abort();
    if (points.addressed_by(name + "-000000000000", false)) std::abort();  // the ARN's host form is a host only
  }
  (void)points.addressed_by(input, true);
  (void)points.addressed_by(input, false);
  return 0;
}
