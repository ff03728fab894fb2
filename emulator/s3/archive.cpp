#include "emulator/s3/archive.h"

#include "emulator/base/time.h"

namespace bf {

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

bool deep(const std::string& storage_class, const std::string& access_tier) {
  return storage_class == "DEEP_ARCHIVE" || access_tier == "DEEP_ARCHIVE_ACCESS";
}

}  // namespace

bool is_archived(const std::string& storage_class, const std::string& access_tier) {
  if (storage_class == "GLACIER" || storage_class == "DEEP_ARCHIVE") return true;
  return storage_class == "INTELLIGENT_TIERING" &&
         (access_tier == "ARCHIVE_ACCESS" || access_tier == "DEEP_ARCHIVE_ACCESS");
}

std::optional<std::int64_t> restore_duration_ms(const std::string& storage_class,
                                                const std::string& access_tier,
                                                const std::string& tier) {
  // S3 User Guide, "Archive retrieval options": Flexible Retrieval (and the Archive Access
  // tier) Expedited 1-5 minutes, Standard 3-5 hours, Bulk 5-12 hours; Deep Archive (and Deep
  // Archive Access) Standard within 12 hours, Bulk within 48 hours, no Expedited.
  const bool is_deep = deep(storage_class, access_tier);
  if (tier == "Expedited") return is_deep ? std::nullopt : std::optional<std::int64_t>(5 * kMinute);
  if (tier == "Standard") return is_deep ? 12 * kHour : 5 * kHour;
  if (tier == "Bulk") return is_deep ? 48 * kHour : 12 * kHour;
  return std::nullopt;
}

std::int64_t restore_expiry_ms(std::int64_t from_ms, int days) {
  const std::int64_t end = from_ms + days * kDay;
  return (end / kDay + 1) * kDay;
}

std::string restore_header(const RestoreState& restore, std::int64_t now_ms) {
  if (restore.ongoing(now_ms)) return "ongoing-request=\"true\"";
  std::string value = "ongoing-request=\"false\"";
  if (restore.expires_ms) value += ", expiry-date=\"" + http_date(restore.expires_ms) + "\"";
  return value;
}

}  // namespace bf
