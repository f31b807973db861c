#include "aiostreams/errors.hpp"

#include <cerrno>

namespace aiostreams {

ConnectionResetError::ConnectionResetError(const std::string& message) : ConnectionError(ECONNRESET, message) {}
ConnectionAbortedError::ConnectionAbortedError(const std::string& message) : ConnectionError(ECONNABORTED, message) {}
ConnectionRefusedError::ConnectionRefusedError(const std::string& message) : ConnectionError(ECONNREFUSED, message) {}
BrokenPipeError::BrokenPipeError(const std::string& message) : ConnectionError(EPIPE, message) {}
TimeoutError::TimeoutError(const std::string& message) : OSError(ETIMEDOUT, message) {}

std::exception_ptr make_os_error(int error_number, const std::string& message) {
  switch (error_number) {
    case ECONNRESET: return std::make_exception_ptr(ConnectionResetError(message));
    case ECONNABORTED: return std::make_exception_ptr(ConnectionAbortedError(message));
    case ECONNREFUSED: return std::make_exception_ptr(ConnectionRefusedError(message));
    case EPIPE:
    case ESHUTDOWN: return std::make_exception_ptr(BrokenPipeError(message));
    case ETIMEDOUT: return std::make_exception_ptr(TimeoutError(message));
    default: return std::make_exception_ptr(OSError(error_number, message));
  }
}

std::string describe_exception(const std::exception_ptr& error) {
  if (!error) return {};
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (const CancelledError&) {
    return "CancelledError";
  } catch (...) {
    return "unknown exception";
  }
}

namespace {
std::string incomplete_read_message(std::size_t partial_size, std::optional<std::size_t> expected) {
  std::string message = std::to_string(partial_size);
  message.append(" bytes read on a total of ");
  message.append(expected ? std::to_string(*expected) : std::string("undefined"));
  message.append(" expected bytes");
  return message;
}
}  // namespace

IncompleteReadError::IncompleteReadError(std::string partial, std::optional<std::size_t> expected)
    : EOFError(incomplete_read_message(partial.size(), expected)), partial_(std::move(partial)), expected_(expected) {}

}  // namespace aiostreams
