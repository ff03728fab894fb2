// The cost of what was metered: usage over a period in the price table's units (GB-Mo from
// byte-hours, per the hours of each calendar month, as AWS converts them), priced line by
// line, with the same workload priced as if every object had stayed in STANDARD beside it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "emulator/base/clock.h"
#include "emulator/metering/price_table.h"
#include "emulator/metering/usage_recorder.h"
#include "emulator/store/usage_store.h"
#include "sdk/json.h"

namespace bf {

struct CostQuery {
  std::optional<std::int64_t> from_ms;  // absent: since the first usage
  std::optional<std::int64_t> to_ms;    // absent: now
  std::optional<bool> free_tier;        // absent: the server's setting
  double scale = 1;                     // > 1: a projection of the measured usage, labelled so
};

class CostReporter {
 public:
  CostReporter(UsageStore& usage, UsageRecorder& recorder, const Clock& clock, PriceTable prices,
               bool free_tier);
  // {"currency", "period", "prices", "lines", "total", "all_standard", ...}; the period runs
  // from `from`'s UTC day to `to` (a whole UTC day's end, or now).
  Json report(const CostQuery& query);

 private:
  UsageStore& usage_;
  UsageRecorder& recorder_;
  const Clock& clock_;
  PriceTable prices_;
  bool free_tier_;
};

// How many hours the calendar month of `ms` (UTC) has: 672, 696, 720 or 744.
double hours_in_month(std::int64_t ms);

}  // namespace bf
