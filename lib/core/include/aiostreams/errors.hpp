// Exceptions, named and arranged as in Python and asyncio, so that an `except` clause in the
// asyncio docs maps to a `catch` here.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace aiostreams {

/// Python's ValueError: a bad argument value (e.g. `StreamReader(0)`, `readexactly(-1)`,
/// an empty separator, or a `readline` limit overrun).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Python's RuntimeError (e.g. two coroutines waiting on one StreamReader).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Python's NotImplementedError. A transport whose pause_reading() throws it is
/// never asked to pause again.
class NotImplementedError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

/// Python's AssertionError: an internal invariant broken by the caller, such as
/// `feed_data` after `feed_eof`.
class AssertionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// asyncio.InvalidStateError: e.g. setting the result of a future that is already done,
/// or asking a pending future for its result.
class InvalidStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// asyncio.CancelledError. Like Python's (a BaseException since 3.8) it deliberately does
/// not derive from std::exception, so `catch (const std::exception&)` around a read does
/// not swallow a cancellation.
class CancelledError {
 public:
  CancelledError() = default;
  explicit CancelledError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept { return message_.c_str(); }

 private:
  std::string message_;
};

/// Python's OSError: a std::system_error that keeps its errno. Use make_os_error() to get
/// the most specific subclass for an errno, as Python's OSError constructor does.
/// what() is the message alone, as Python's str(ConnectionResetError("Connection lost"));
/// without a message it is the errno's description. code() keeps the errno.
class OSError : public std::system_error {
 public:
  OSError(int error_number, const std::string& message)
      : std::system_error(error_number, std::generic_category(), message), message_(message) {}
  explicit OSError(int error_number) : std::system_error(error_number, std::generic_category()) {}
  const char* what() const noexcept override { return message_.empty() ? std::system_error::what() : message_.c_str(); }

 private:
  std::string message_;
};

/// Python's ConnectionError and its subclasses.
class ConnectionError : public OSError {
 public:
  using OSError::OSError;
};
class ConnectionResetError : public ConnectionError {
 public:
  explicit ConnectionResetError(const std::string& message = "Connection reset by peer");
};
class ConnectionAbortedError : public ConnectionError {
 public:
  explicit ConnectionAbortedError(const std::string& message = "Connection aborted");
};
class ConnectionRefusedError : public ConnectionError {
 public:
  explicit ConnectionRefusedError(const std::string& message = "Connection refused");
};
class BrokenPipeError : public ConnectionError {
 public:
  explicit BrokenPipeError(const std::string& message = "Broken pipe");
};

/// Python's TimeoutError (asyncio.TimeoutError is the same class since 3.11): raised by
/// wait_for() when the timeout expires. An OSError with ETIMEDOUT.
class TimeoutError : public OSError {
 public:
  explicit TimeoutError(const std::string& message = "Timed out");
};

/// Builds the exception for an errno the way Python's OSError(errno, msg) does: ECONNRESET
/// gives ConnectionResetError, EPIPE BrokenPipeError, and so on; others give OSError.
std::exception_ptr make_os_error(int error_number, const std::string& message);

/// A one-line description of any exception: what() for a std::exception, "CancelledError"
/// for a cancellation, "unknown exception" otherwise, "" for nullptr. For reports and logs.
std::string describe_exception(const std::exception_ptr& error);

/// Python's EOFError.
class EOFError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// asyncio.IncompleteReadError: EOF came before the read was satisfied.
/// partial() holds the bytes read before EOF (already removed from the reader's buffer);
/// expected() is the requested size, or nullopt when raised by readuntil/readline.
/// what() is CPython's text: "N bytes read on a total of M expected bytes"
/// (M is "undefined" when expected() is nullopt).
class IncompleteReadError : public EOFError {
 public:
  IncompleteReadError(std::string partial, std::optional<std::size_t> expected);
  const std::string& partial() const noexcept { return partial_; }
  std::optional<std::size_t> expected() const noexcept { return expected_; }

 private:
  std::string partial_;
  std::optional<std::size_t> expected_;
};

/// asyncio.LimitOverrunError: readuntil() hit the reader's limit. The data stays in the
/// buffer; consumed() says how many bytes must be consumed to get past the problem.
/// Like CPython's it is not a ValueError (readline() turns it into one).
class LimitOverrunError : public std::runtime_error {
 public:
  LimitOverrunError(const std::string& message, std::size_t consumed)
      : std::runtime_error(message), consumed_(consumed) {}
  std::size_t consumed() const noexcept { return consumed_; }

 private:
  std::size_t consumed_;
};

}  // namespace aiostreams
