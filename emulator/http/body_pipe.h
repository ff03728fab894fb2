// A response body that another request produces while it is sent: S3 Object Lambda hands the
// body of a function's WriteGetObjectResponse to the GetObject waiting for it. The pipe holds
// at most about `capacity` bytes; the writer is told when it is full and resumed when there is
// room, the reader resumed when bytes or the end arrive, so neither waits on a thread.
#pragma once
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace bf {

class BodyPipe {
 public:
  explicit BodyPipe(std::size_t capacity = 1 << 20) : capacity_(capacity) {}

  // Writer. Bytes written after the reader went away are dropped.
  void write(std::string_view bytes);
  bool full() const;
  // `resume` runs once there is room, the reader went away, or at once if neither waits.
  void when_writable(std::function<void()> resume);
  // The end of the body: `complete` false when the writer failed midway (the reader then cuts
  // the response short rather than send a truncated body as if whole).
  void close(bool complete);

  // Reader. Moves up to `max` bytes into `out`; 0 when nothing is there now.
  std::size_t read(char* out, std::size_t max);
  // Closed and every byte read.
  bool finished() const;
  bool failed() const;
  // `resume` runs once bytes or the end are there (at once if they already are).
  void when_readable(std::function<void()> resume);
  // The reader went away: the writer is released and what it writes is dropped.
  void abandon();
  // Whether the reader went away (a writer that never ends on its own stops then).
  bool abandoned() const;

 private:
  void resume_locked(std::function<void()>& waiter, std::unique_lock<std::mutex>& lock);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::string> chunks_;
  std::size_t front_offset_ = 0;  // bytes of chunks_.front() already read
  std::size_t buffered_ = 0;
  bool closed_ = false;
  bool complete_ = false;
  bool abandoned_ = false;
  std::function<void()> reader_waiting_;
  std::function<void()> writer_waiting_;
};

}  // namespace bf
