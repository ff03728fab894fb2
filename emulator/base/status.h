// Errors as values for store and library code (LevelDB-style), and Result<T>.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace bf {

class Status {
 public:
  enum class Code {
    Ok, NotFound, AlreadyExists, NotEmpty, Conflict, PreconditionFailed, IoError, Corruption, Invalid
  };

  Status() = default;
  static Status ok() { return {}; }
  static Status not_found(std::string msg) { return {Code::NotFound, std::move(msg)}; }
  static Status already_exists(std::string msg) { return {Code::AlreadyExists, std::move(msg)}; }
  static Status not_empty(std::string msg) { return {Code::NotEmpty, std::move(msg)}; }
  static Status conflict(std::string msg) { return {Code::Conflict, std::move(msg)}; }
  // A write's condition did not hold; the message names the condition.
  static Status precondition_failed(std::string msg) { return {Code::PreconditionFailed, std::move(msg)}; }
  static Status io_error(std::string msg) { return {Code::IoError, std::move(msg)}; }
  static Status corruption(std::string msg) { return {Code::Corruption, std::move(msg)}; }
  static Status invalid(std::string msg) { return {Code::Invalid, std::move(msg)}; }

  bool is_ok() const { return code_ == Code::Ok; }
  explicit operator bool() const { return is_ok(); }
  bool is_not_found() const { return code_ == Code::NotFound; }
  bool is_already_exists() const { return code_ == Code::AlreadyExists; }
  bool is_not_empty() const { return code_ == Code::NotEmpty; }
  bool is_conflict() const { return code_ == Code::Conflict; }
  bool is_precondition_failed() const { return code_ == Code::PreconditionFailed; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::Ok;
  std::string message_;
};

// A value or the error that prevented it.
template <typename T, typename E = Status>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(E error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace bf
