#include "emulator/lambda/invocation_context.h"

#include "sdk/json.h"

namespace bf {

namespace {

template <typename T>
T member(const Json& j, const char* name, T fallback) {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->template get<std::string>() : fallback;
  } else {
    return it->is_number_integer() ? it->template get<T>() : fallback;
  }
}

}  // namespace

std::string InvocationContext::to_json() const {
  Json j{{"request_id", request_id}, {"trigger", trigger}};
  if (!source.empty()) j["source"] = source;
  j["lineage"] = lineage;
  if (!trace.empty()) j["trace"] = trace;
  if (enqueued_us) j["enqueued_us"] = enqueued_us;
  if (throttles) j["throttles"] = throttles;
  if (destination)
    j["destination"] = Json{{"bucket", destination->bucket},
                            {"function", destination->function},
                            {"record", destination->record},
                            {"lineage", destination->lineage},
                            {"attempts", destination->attempts}};
  return to_text(j);
}

InvocationContext InvocationContext::from_json(std::string_view text) {
  InvocationContext c;
  const Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  c.request_id = member(j, "request_id", std::string());
  c.trigger = member(j, "trigger", std::string("invoke"));
  c.source = member(j, "source", std::string());
  c.lineage = member(j, "lineage", std::string());
  c.trace = member(j, "trace", std::string());
  c.enqueued_us = member(j, "enqueued_us", std::int64_t{0});
  c.throttles = member(j, "throttles", 0);
  if (auto d = j.find("destination"); d != j.end() && d->is_object()) {
    PendingBucketWrite w;
    w.bucket = member(*d, "bucket", std::string());
    w.function = member(*d, "function", std::string());
    w.record = member(*d, "record", std::string());
    w.lineage = member(*d, "lineage", std::string());
    w.attempts = member(*d, "attempts", 0);
    c.destination = std::move(w);
  }
  return c;
}

}  // namespace bf
