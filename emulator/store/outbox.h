// Function invocations waiting to run, kept durably until the invoker is done with them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emulator/base/status.h"

namespace bf {

// A pending function invocation in the durable outbox. It stays until the invoker has
// finished with it (delivered, or given up and handed to a destination).
struct OutboxEntry {
  std::int64_t id = 0;
  std::string function;
  std::string payload;  // the event JSON
  std::string context;  // JSON owned by the invoker (trigger, lineage, first request id, ...)
  std::int64_t created_ms = 0;
  std::int64_t due_ms = 0;
  int attempts = 0;
};

// The event outbox. enqueue() adds entries outside any object write (Invoke with
// InvocationType=Event, destinations); due_events() returns entries due by `now_ms`, oldest
// first, skipping ids in `skip`; finish_event() removes one and adds its follow-ups in one
// transaction.
class Outbox {
 public:
  virtual ~Outbox() = default;

  virtual Status enqueue(const std::vector<OutboxEntry>& entries) = 0;
  virtual std::vector<OutboxEntry> due_events(std::int64_t now_ms, std::size_t limit,
                                              const std::vector<std::int64_t>& skip) = 0;
  // The earliest due time later than `after_ms`.
  virtual std::optional<std::int64_t> next_due_ms(std::int64_t after_ms) = 0;
  virtual Status reschedule_event(const OutboxEntry& entry) = 0;  // attempts, due_ms, context
  virtual Status finish_event(std::int64_t id, const std::vector<OutboxEntry>& follow_ups) = 0;
  virtual Status finish_events(const std::vector<std::int64_t>& ids) = 0;  // one transaction
  virtual std::size_t pending_event_count() = 0;
  // Called after a commit that added outbox entries (from any thread, without store locks).
  virtual void on_enqueue(std::function<void()> listener) = 0;
};

}  // namespace bf
