#include "aiostreams/errors.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <exception>
#include <string>
#include <system_error>
#include <type_traits>
#include <typeinfo>

using namespace aiostreams;

namespace {
// Rethrows `error` and returns the errno it carries, checking that it is an OSError of
// exactly the dynamic type E.
template <class E>
int errno_if_exactly(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const OSError& e) {
    if (typeid(e) != typeid(E)) return -1;
    return e.code().value();
  } catch (...) {
    return -2;
  }
}
}  // namespace

TEST_CASE("IncompleteReadError reports CPython's message with an expected size") {
  IncompleteReadError error(std::string(18, 'x'), 36);
  CHECK(std::string(error.what()) == "18 bytes read on a total of 36 expected bytes");
  CHECK(error.partial() == std::string(18, 'x'));
  REQUIRE(error.expected().has_value());
  CHECK(*error.expected() == 36);
}

TEST_CASE("IncompleteReadError says undefined when no size was expected") {
  IncompleteReadError error("hello world", std::nullopt);
  CHECK(std::string(error.what()) == "11 bytes read on a total of undefined expected bytes");
  CHECK(error.partial() == "hello world");
  CHECK_FALSE(error.expected().has_value());
}

TEST_CASE("IncompleteReadError keeps binary partial data and is an EOFError") {
  const std::string partial("a\0b", 3);
  IncompleteReadError error(partial, 10);
  CHECK(error.partial().size() == 3);
  CHECK(error.partial() == partial);
  CHECK(std::string(error.what()) == "3 bytes read on a total of 10 expected bytes");
  STATIC_REQUIRE(std::is_base_of_v<EOFError, IncompleteReadError>);
  CHECK_THROWS_AS(throw IncompleteReadError("", 1), EOFError);
}

TEST_CASE("LimitOverrunError carries consumed and is not a ValueError") {
  LimitOverrunError error("Separator is not found, and chunk exceed the limit", 17);
  CHECK(error.consumed() == 17);
  CHECK(std::string(error.what()) == "Separator is not found, and chunk exceed the limit");
  STATIC_REQUIRE_FALSE(std::is_base_of_v<ValueError, LimitOverrunError>);
  bool caught_as_value_error = false;
  bool caught_as_limit_overrun = false;
  try {
    try {
      throw LimitOverrunError("overrun", 3);
    } catch (const ValueError&) {
      caught_as_value_error = true;
    }
  } catch (const LimitOverrunError& e) {
    caught_as_limit_overrun = e.consumed() == 3;
  }
  CHECK_FALSE(caught_as_value_error);
  CHECK(caught_as_limit_overrun);
}

TEST_CASE("CancelledError is not a std::exception") {
  STATIC_REQUIRE_FALSE(std::is_base_of_v<std::exception, CancelledError>);
  bool caught_as_std_exception = false;
  bool caught_as_cancelled = false;
  try {
    try {
      throw CancelledError("bye");
    } catch (const std::exception&) {
      caught_as_std_exception = true;
    }
  } catch (const CancelledError& e) {
    caught_as_cancelled = std::string(e.what()) == "bye";
  }
  CHECK_FALSE(caught_as_std_exception);
  CHECK(caught_as_cancelled);
  CHECK(std::string(CancelledError().what()).empty());
}

TEST_CASE("make_os_error gives ConnectionResetError for ECONNRESET") {
  auto error = make_os_error(ECONNRESET, "reset");
  CHECK(errno_if_exactly<ConnectionResetError>(error) == ECONNRESET);
  CHECK_THROWS_AS(std::rethrow_exception(error), ConnectionError);
  CHECK_THROWS_WITH(std::rethrow_exception(error), Catch::Contains("reset"));
}

TEST_CASE("make_os_error gives BrokenPipeError for EPIPE") {
  auto error = make_os_error(EPIPE, "pipe");
  CHECK(errno_if_exactly<BrokenPipeError>(error) == EPIPE);
  CHECK_THROWS_AS(std::rethrow_exception(error), ConnectionError);
}

TEST_CASE("make_os_error gives TimeoutError for ETIMEDOUT") {
  auto error = make_os_error(ETIMEDOUT, "slow");
  CHECK(errno_if_exactly<TimeoutError>(error) == ETIMEDOUT);
  STATIC_REQUIRE_FALSE(std::is_base_of_v<ConnectionError, TimeoutError>);
}

TEST_CASE("make_os_error gives ConnectionRefusedError and ConnectionAbortedError") {
  CHECK(errno_if_exactly<ConnectionRefusedError>(make_os_error(ECONNREFUSED, "no")) == ECONNREFUSED);
  CHECK(errno_if_exactly<ConnectionAbortedError>(make_os_error(ECONNABORTED, "gone")) == ECONNABORTED);
}

TEST_CASE("make_os_error gives a plain OSError for other errnos, keeping the code") {
  CHECK(errno_if_exactly<OSError>(make_os_error(ENOENT, "missing")) == ENOENT);
  CHECK(errno_if_exactly<OSError>(make_os_error(EADDRINUSE, "busy")) == EADDRINUSE);
  try {
    std::rethrow_exception(make_os_error(EADDRINUSE, "busy"));
  } catch (const std::system_error& e) {
    CHECK(e.code() == std::errc::address_in_use);
    CHECK(e.code().category() == std::generic_category());
  }
}

TEST_CASE("the connection errors keep their errno and default messages") {
  CHECK(ConnectionResetError().code() == std::errc::connection_reset);
  CHECK(BrokenPipeError().code() == std::errc::broken_pipe);
  CHECK(ConnectionRefusedError().code() == std::errc::connection_refused);
  CHECK(ConnectionAbortedError().code() == std::errc::connection_aborted);
  CHECK(TimeoutError().code() == std::errc::timed_out);
  CHECK_THAT(ConnectionResetError().what(), Catch::Contains("Connection reset by peer"));
}

TEST_CASE("TimeoutError is catchable as OSError and as std::system_error") {
  bool as_os_error = false;
  try {
    throw TimeoutError();
  } catch (const OSError& e) {
    as_os_error = e.code().value() == ETIMEDOUT;
  }
  CHECK(as_os_error);
  CHECK_THROWS_AS(throw TimeoutError(), std::system_error);
}

TEST_CASE("the Python-named errors derive as in Python") {
  STATIC_REQUIRE(std::is_base_of_v<std::invalid_argument, ValueError>);
  STATIC_REQUIRE(std::is_base_of_v<RuntimeError, NotImplementedError>);
  STATIC_REQUIRE(std::is_base_of_v<std::logic_error, InvalidStateError>);
  STATIC_REQUIRE(std::is_base_of_v<OSError, ConnectionError>);
  STATIC_REQUIRE(std::is_base_of_v<std::system_error, OSError>);
}

TEST_CASE("describe_exception gives what() for a std exception and names the others") {
  CHECK(aiostreams::describe_exception(nullptr).empty());
  CHECK(aiostreams::describe_exception(std::make_exception_ptr(aiostreams::ConnectionResetError("Connection lost"))) ==
        "Connection lost");
  CHECK(aiostreams::describe_exception(std::make_exception_ptr(aiostreams::CancelledError("stop"))) ==
        "CancelledError");
  CHECK(aiostreams::describe_exception(std::make_exception_ptr(42)) == "unknown exception");
}
