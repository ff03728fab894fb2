#include "emulator/s3/lifecycle_rules.h"

#include <algorithm>
#include <climits>

#include "emulator/base/time.h"

namespace bf {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::uint64_t kMinimumTransitionSize = 128 * 1024;
// Before any object: the span of a run with no run before it starts here.
constexpr std::int64_t kBeginning = INT64_MIN / 4;

// S3's waterfall of classes: an object only moves down it (User Guide, "Transitioning objects
// using Amazon S3 Lifecycle").
int class_rank(const std::string& storage_class) {
  if (storage_class == "STANDARD_IA") return 1;
  if (storage_class == "INTELLIGENT_TIERING") return 2;
  if (storage_class == "ONEZONE_IA") return 3;
  if (storage_class == "GLACIER_IR") return 4;
  if (storage_class == "GLACIER") return 5;
  if (storage_class == "DEEP_ARCHIVE") return 6;
  return 0;  // STANDARD, REDUCED_REDUNDANCY
}

bool may_transition(const std::string& from, const std::string& to) {
  if (from == "ONEZONE_IA" && to == "GLACIER_IR") return false;
  return class_rank(to) > class_rank(from);
}

// Objects under 128 KB stay put unless the rule names a size itself; with
// varies_by_storage_class they may still go to the two Glacier archive classes.
bool size_allows(const LifecycleConfig& config, const LifecycleRule& rule, std::uint64_t size,
                 const std::string& to) {
  if (size >= kMinimumTransitionSize) return true;
  if (rule.filter.size_greater_than || rule.filter.size_less_than) return true;
  if (config.transition_minimum_size == "varies_by_storage_class")
    return to == "GLACIER" || to == "DEEP_ARCHIVE";
  return false;
}

bool has_prefix(const std::string& key, const std::string& prefix) {
  return key.compare(0, prefix.size(), prefix) == 0;
}

// Due time of a dated action for an object of time `from_ms`: the date itself, or for an object
// made after it, the midnight after it was made.
std::int64_t dated_due(std::int64_t date_ms, std::int64_t from_ms) {
  return std::max(date_ms, midnight_after(from_ms, 0));
}

TimeWindow span_for_date(std::int64_t date_ms, std::optional<std::int64_t> previous_ms,
                         std::int64_t run_ms) {
  if (date_ms > run_ms) return {0, 0};
  if (!previous_ms || date_ms > *previous_ms) return {kBeginning, run_ms};
  return span_for_days(0, previous_ms, run_ms);
}

}  // namespace

std::vector<TimeWindow> merge_spans(std::vector<TimeWindow> spans) {
  spans.erase(std::remove_if(spans.begin(), spans.end(),
                             [](const TimeWindow& w) { return w.from_ms >= w.to_ms; }),
              spans.end());
  std::sort(spans.begin(), spans.end(),
            [](const TimeWindow& a, const TimeWindow& b) { return a.from_ms < b.from_ms; });
  std::vector<TimeWindow> out;
  for (const auto& w : spans) {
    if (!out.empty() && w.from_ms <= out.back().to_ms)
      out.back().to_ms = std::max(out.back().to_ms, w.to_ms);
    else
      out.push_back(w);
  }
  return out;
}

std::int64_t midnight_after(std::int64_t from_ms, int days) {
  const std::int64_t end = from_ms + days * kDayMs;
  const std::int64_t day = end >= 0 ? end / kDayMs : (end - kDayMs + 1) / kDayMs;
  return (day + 1) * kDayMs;
}

bool rule_applies(const LifecycleRule& rule, const std::string& key, std::uint64_t size,
                  const Pairs& tags) {
  if (!rule.enabled) return false;
  const LifecycleFilter& f = rule.filter;
  if (!has_prefix(key, f.prefix)) return false;
  if (f.size_greater_than && !(size > *f.size_greater_than)) return false;
  if (f.size_less_than && !(size < *f.size_less_than)) return false;
  for (const auto& wanted : f.tags)
    if (std::find(tags.begin(), tags.end(), wanted) == tags.end()) return false;
  return true;
}

std::optional<ExpirationDue> expiration_due(const LifecycleConfig& config, const ObjectRecord& object,
                                            const ObjectMeta& meta) {
  std::optional<ExpirationDue> best;
  for (const auto& rule : config.rules) {
    if (!rule.expiration_days && !rule.expiration_date_ms) continue;
    if (!rule_applies(rule, object.key, object.size, meta.tags)) continue;
    const std::int64_t due = rule.expiration_days
                                 ? midnight_after(object.last_modified_ms, *rule.expiration_days)
                                 : dated_due(*rule.expiration_date_ms, object.last_modified_ms);
    if (!best || due < best->due_ms) best = ExpirationDue{due, rule.id};
  }
  return best;
}

std::string expiration_header(const ExpirationDue& due) {
  return "expiry-date=\"" + http_date(due.due_ms) + "\", rule-id=\"" + due.rule_id + "\"";
}

std::optional<std::string> transition_due(const LifecycleConfig& config, const ObjectRecord& object,
                                          const ObjectMeta& meta, std::int64_t now_ms) {
  std::optional<std::string> coldest;
  for (const auto& rule : config.rules) {
    if (rule.transitions.empty() || !rule_applies(rule, object.key, object.size, meta.tags)) continue;
    for (const auto& t : rule.transitions) {
      const std::int64_t due = t.days ? midnight_after(object.last_modified_ms, *t.days)
                                      : dated_due(*t.date_ms, object.last_modified_ms);
      if (due > now_ms || !may_transition(object.storage_class, t.storage_class)) continue;
      if (!size_allows(config, rule, object.size, t.storage_class)) continue;
      if (!coldest || class_rank(t.storage_class) > class_rank(*coldest)) coldest = t.storage_class;
    }
  }
  return coldest;
}

std::optional<NoncurrentAction> noncurrent_due(const LifecycleConfig& config,
                                               const ObjectRecord& version, const ObjectMeta& meta,
                                               int newer_noncurrent, std::int64_t now_ms) {
  NoncurrentAction action;
  for (const auto& rule : config.rules) {
    if (!rule_applies(rule, version.key, version.size, meta.tags)) continue;
    auto due = [&](int days, const std::optional<int>& newer) {
      if (newer && newer_noncurrent < *newer) return false;
      return midnight_after(version.noncurrent_ms, days) <= now_ms;
    };
    if (const auto& e = rule.noncurrent_expiration; e && due(e->noncurrent_days, e->newer_noncurrent_versions))
      action.expire = true;
    for (const auto& t : rule.noncurrent_transitions) {
      if (!due(t.noncurrent_days, t.newer_noncurrent_versions)) continue;
      if (!may_transition(version.storage_class, t.storage_class)) continue;
      if (!size_allows(config, rule, version.size, t.storage_class)) continue;
      if (action.transition_to.empty() || class_rank(t.storage_class) > class_rank(action.transition_to))
        action.transition_to = t.storage_class;
    }
  }
  if (!action.expire && action.transition_to.empty()) return std::nullopt;
  return action;
}

bool removes_expired_marker(const LifecycleConfig& config, const std::string& key) {
  for (const auto& rule : config.rules)
    if (rule.enabled && rule.expired_object_delete_marker && has_prefix(key, rule.filter.prefix))
      return true;
  return false;
}

bool aborts_upload(const LifecycleConfig& config, const std::string& key, std::int64_t initiated_ms,
                   std::int64_t now_ms) {
  for (const auto& rule : config.rules)
    if (rule.enabled && rule.abort_incomplete_upload_days && has_prefix(key, rule.filter.prefix) &&
        midnight_after(initiated_ms, *rule.abort_incomplete_upload_days) <= now_ms)
      return true;
  return false;
}

TimeWindow span_for_days(int days, std::optional<std::int64_t> previous_ms, std::int64_t run_ms) {
  // midnight_after(t, d) <= run  <=>  t + d days < run;  > previous  <=>  t + d days >= previous.
  const std::int64_t offset = days * kDayMs;
  return {previous_ms ? *previous_ms - offset : kBeginning, run_ms - offset};
}

DueSpans due_spans(const LifecycleConfig& config, std::optional<std::int64_t> previous_ms,
                   std::int64_t run_ms) {
  // A configuration put since the last run applies to every object, not only those due since.
  if (previous_ms && config.configured_ms >= *previous_ms) previous_ms.reset();
  std::vector<TimeWindow> modified, noncurrent;
  for (const auto& rule : config.rules) {
    if (!rule.enabled) continue;
    if (rule.expiration_days) modified.push_back(span_for_days(*rule.expiration_days, previous_ms, run_ms));
    if (rule.expiration_date_ms) modified.push_back(span_for_date(*rule.expiration_date_ms, previous_ms, run_ms));
    for (const auto& t : rule.transitions)
      modified.push_back(t.days ? span_for_days(*t.days, previous_ms, run_ms)
                                : span_for_date(*t.date_ms, previous_ms, run_ms));
    auto noncurrent_span = [&](int days, const std::optional<int>& newer) {
      noncurrent.push_back(span_for_days(days, previous_ms, run_ms));
      // A version kept only because too few newer ones existed falls due when another one
      // stops being current.
      if (newer) noncurrent.push_back(span_for_days(0, previous_ms, run_ms));
    };
    if (const auto& e = rule.noncurrent_expiration) noncurrent_span(e->noncurrent_days, e->newer_noncurrent_versions);
    for (const auto& t : rule.noncurrent_transitions) noncurrent_span(t.noncurrent_days, t.newer_noncurrent_versions);
    if (rule.expired_object_delete_marker) noncurrent.push_back(span_for_days(0, previous_ms, run_ms));
  }
  return DueSpans{merge_spans(std::move(modified)), merge_spans(std::move(noncurrent))};
}

}  // namespace bf
