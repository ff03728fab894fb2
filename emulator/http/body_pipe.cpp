#include "emulator/http/body_pipe.h"

#include <algorithm>
#include <cstring>

namespace bf {

// Waiters run outside the lock: a waiter may post to an I/O context or take other locks.
void BodyPipe::resume_locked(std::function<void()>& waiter, std::unique_lock<std::mutex>& lock) {
  if (!waiter) return;
  std::function<void()> run = std::move(waiter);
  waiter = nullptr;
  lock.unlock();
  run();
  lock.lock();
}

void BodyPipe::write(std::string_view bytes) {
  std::unique_lock lock(mu_);
  if (abandoned_ || closed_ || bytes.empty()) return;
  chunks_.emplace_back(bytes);
  buffered_ += bytes.size();
  resume_locked(reader_waiting_, lock);
}

bool BodyPipe::full() const {
  std::lock_guard lock(mu_);
  return !abandoned_ && buffered_ >= capacity_;
}

void BodyPipe::when_writable(std::function<void()> resume) {
  std::unique_lock lock(mu_);
  if (abandoned_ || buffered_ < capacity_) {
    lock.unlock();
    resume();
    return;
  }
  writer_waiting_ = std::move(resume);
}

void BodyPipe::close(bool complete) {
  std::unique_lock lock(mu_);
  if (closed_) return;
  closed_ = true;
  complete_ = complete;
  resume_locked(reader_waiting_, lock);
}

std::size_t BodyPipe::read(char* out, std::size_t max) {
  std::unique_lock lock(mu_);
  std::size_t done = 0;
  while (done < max && !chunks_.empty()) {
    const std::string& front = chunks_.front();
    const std::size_t n = std::min(max - done, front.size() - front_offset_);
    std::memcpy(out + done, front.data() + front_offset_, n);
    done += n;
    front_offset_ += n;
    if (front_offset_ == front.size()) {
      chunks_.pop_front();
      front_offset_ = 0;
    }
  }
  buffered_ -= done;
  if (done > 0 && buffered_ < capacity_) resume_locked(writer_waiting_, lock);
  return done;
}

bool BodyPipe::finished() const {
  std::lock_guard lock(mu_);
  return closed_ && chunks_.empty();
}

bool BodyPipe::failed() const {
  std::lock_guard lock(mu_);
  return closed_ && !complete_;
}

void BodyPipe::when_readable(std::function<void()> resume) {
  std::unique_lock lock(mu_);
  if (!chunks_.empty() || closed_) {
    lock.unlock();
    resume();
    return;
  }
  reader_waiting_ = std::move(resume);
}

bool BodyPipe::abandoned() const {
  std::lock_guard lock(mu_);
  return abandoned_;
}

void BodyPipe::abandon() {
  std::unique_lock lock(mu_);
  abandoned_ = true;
  chunks_.clear();
  buffered_ = 0;
  front_offset_ = 0;
  resume_locked(writer_waiting_, lock);
}

}  // namespace bf
