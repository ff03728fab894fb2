// What S3 bills, in the Cost and Usage Report's usage types (without the region's prefix):
// the byte-hours a stored version holds in its class or access tier (with AWS's minimum
// billable sizes and archive overheads), early deletes before a class's minimum storage
// duration, Intelligent-Tiering monitoring, and what a request, a restore or a lifecycle
// transition costs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/base/clock.h"
#include "emulator/base/usage_meter.h"
#include "emulator/store/usage_store.h"

namespace bf {

// The store asks it inside each object write what the version bills while stored.
class S3StorageBilling final : public StorageBilling {
 public:
  explicit S3StorageBilling(const Clock& clock) : clock_(clock) {}
  void shares_of(const ObjectRecord& version, std::vector<LevelShare>& out) const override;
  void on_leaving(const ObjectRecord& before, const ObjectRecord* after, std::int64_t now_ms,
                  std::vector<UsageRow>& out) const override;
  std::int64_t now_ms() const override { return clock_.now_ms(); }

 private:
  const Clock& clock_;
};

// A finished S3 request: its request tier by the class it touched (`storage_class`: the
// object's for reads, the one asked for on writes), and for reads from an infrequent-access
// class the bytes retrieved. DELETE and abort requests are free, as on AWS.
void meter_request(UsageMeter& meter, std::string_view operation, std::string_view bucket,
                   std::string_view storage_class, std::uint64_t bytes_out);

// A restore started (or sped up) at `tier` for `size` bytes of an archived object.
void meter_restore(UsageMeter& meter, std::string_view bucket, std::string_view storage_class,
                   std::string_view tier, std::uint64_t size);

// A lifecycle transition of one object into `to_class`.
void meter_transition(UsageMeter& meter, std::string_view bucket, std::string_view to_class);

}  // namespace bf
