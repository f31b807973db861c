#include "aiostreams/stream_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::CancelledError;
using aiostreams::Future;
using aiostreams::IncompleteReadError;
using aiostreams::LimitOverrunError;
using aiostreams::StreamReader;
using aiostreams::Task;
using aiostreams::ValueError;
using aiostreams::sim::SimLoop;

namespace {
// A transport that counts the reader's flow-control calls.
struct CountingTransport : aiostreams::ReadTransport {
  int pauses = 0;
  int resumes = 0;
  void pause_reading() override { ++pauses; }
  void resume_reading() override { ++resumes; }
};

struct UnpausableTransport : aiostreams::ReadTransport {
  int pause_attempts = 0;
  void pause_reading() override {
    ++pause_attempts;
    throw aiostreams::NotImplementedError("cannot pause");
  }
  void resume_reading() override {}
};

// Helpers that take the reader as a parameter: a coroutine lambda's captures die with its
// closure object, so tasks started from temporaries must not capture.
Task<std::string> readline_of(StreamReader& reader) { co_return co_await reader.readline(); }
Task<std::string> readexactly_of(StreamReader& reader, std::int64_t n) { co_return co_await reader.readexactly(n); }
Task<std::string> read_all_of(StreamReader& reader) { co_return co_await reader.read(); }
Task<std::string> readuntil_of(StreamReader& reader, std::string separator) {
  co_return co_await reader.readuntil(separator);
}

template <class T>
T run_on_sim(Task<T> main) {
  SimLoop loop;
  return aiostreams::run(loop, std::move(main));
}
}  // namespace

TEST_CASE("a limit of zero or less is rejected with CPython's message") {
  CHECK_THROWS_MATCHES(StreamReader(0), ValueError, Catch::Matchers::Message("Limit cannot be <= 0"));
  CHECK_THROWS_AS(StreamReader(-1), ValueError);
}

TEST_CASE("reading already buffered data completes without suspending the task") {
  SimLoop loop;
  StreamReader reader;
  reader.feed_data("line1\nline2\n");
  std::vector<std::string> order;
  auto reading = [&]() -> Task<void> {
    order.push_back(co_await reader.readline());
    order.push_back(co_await reader.readexactly(3));
    order.push_back(co_await reader.read(2));
    order.push_back(co_await reader.readuntil("\n"));
  };
  auto other = [&]() -> Task<void> {
    order.push_back("other");
    co_return;
  };
  auto main = [&]() -> Task<void> {
    auto first = aiostreams::create_task(reading());
    auto second = aiostreams::create_task(other());
    co_await first;
    co_await second;
  };
  aiostreams::run(loop, main());
  // Had any read suspended, the other task would have run in between.
  CHECK(order == std::vector<std::string>{"line1\n", "lin", "e2", "\n", "other"});
}

TEST_CASE("a waiting read is woken by feed_data through the loop") {
  SimLoop loop;
  StreamReader reader;
  auto main = [&]() -> Task<std::string> {
    auto line = aiostreams::create_task(readline_of(reader));
    co_await aiostreams::sleep(1);
    reader.feed_data("hel");
    co_await aiostreams::sleep(1);
    reader.feed_data("lo\nrest");
    co_return co_await line;
  };
  CHECK(aiostreams::run(loop, main()) == "hello\n");
  CHECK(reader.buffered_view() == "rest");
}

TEST_CASE("every read raises the very exception object that was set, even with data buffered") {
  auto main = []() -> Task<bool> {
    StreamReader reader;
    reader.feed_data("buffered\n");
    auto error = std::make_exception_ptr(aiostreams::ConnectionResetError("reset"));
    reader.set_exception(error);
    const aiostreams::ConnectionResetError* first = nullptr;
    const aiostreams::ConnectionResetError* second = nullptr;
    try {
      co_await reader.readline();
    } catch (const aiostreams::ConnectionResetError& e) {
      first = &e;
    }
    try {
      co_await reader.read(0);
    } catch (const aiostreams::ConnectionResetError& e) {
      second = &e;
    }
    co_return first != nullptr&& first == second&& reader.exception() == error;
  };
  CHECK(run_on_sim(main()));
}

TEST_CASE("next_line iterates lines like async for, including a final partial line") {
  auto main = []() -> Task<std::vector<std::string>> {
    StreamReader reader;
    reader.feed_data("a\nbb\nccc");
    reader.feed_eof();
    std::vector<std::string> lines;
    while (auto line = co_await reader.next_line()) lines.push_back(*line);
    co_return lines;
  };
  CHECK(run_on_sim(main()) == std::vector<std::string>{"a\n", "bb\n", "ccc"});
}

TEST_CASE("next_line propagates a limit overrun as ValueError") {
  auto main = []() -> Task<std::string> {
    StreamReader reader(3);
    reader.feed_data("toolong\n");
    reader.feed_eof();
    try {
      while (auto line = co_await reader.next_line()) {
      }
    } catch (const ValueError& e) {
      co_return e.what();
    }
    co_return "no error";
  };
  CHECK(run_on_sim(main()) == "Separator is found, but chunk is longer than limit");
}

TEST_CASE("readuntil overrun leaves the data in the buffer and reports consumed") {
  auto main = []() -> Task<std::size_t> {
    StreamReader reader(3);
    reader.feed_data("some dataAA");
    try {
      co_await reader.readuntil("AAA");
    } catch (const LimitOverrunError& e) {
      CHECK(std::string(e.what()) == "Separator is not found, and chunk exceed the limit");
      CHECK(reader.buffered_view() == "some dataAA");
      co_return e.consumed();
    }
    co_return 0;
  };
  CHECK(run_on_sim(main()) == 9);
}

TEST_CASE("several separators: the earliest end wins, and a tie goes to the shorter one") {
  auto main = []() -> Task<std::vector<std::string>> {
    StreamReader reader;
    reader.feed_data("ABCDEFGab\r\n");
    std::vector<std::string> out;
    // (GCC 12 cannot hold a braced list across co_await: build the lists first.)
    const std::vector<std::string> letters{"DEF", "BCDE"};
    const std::vector<std::string> line_ends{"\r\n", "\n"};
    out.push_back(co_await reader.readuntil(letters));
    out.push_back(co_await reader.readuntil(line_ends));
    co_return out;
  };
  CHECK(run_on_sim(main()) == std::vector<std::string>{"ABCDE", "FGab\r\n"});
}

TEST_CASE("an empty separator list and an empty separator are rejected") {
  auto main = []() -> Task<int> {
    StreamReader reader;
    int errors = 0;
    try {
      co_await reader.readuntil(std::vector<std::string>{});
    } catch (const ValueError& e) {
      errors += std::string(e.what()) == "Separator should contain at least one element";
    }
    try {
      co_await reader.readuntil("");
    } catch (const ValueError& e) {
      errors += std::string(e.what()) == "Separator should be at least one-byte string";
    }
    co_return errors;
  };
  CHECK(run_on_sim(main()) == 2);
}

TEST_CASE("readexactly at EOF raises IncompleteReadError with the partial data and empties the buffer") {
  auto main = []() -> Task<bool> {
    StreamReader reader;
    reader.feed_data("a");
    reader.feed_eof();
    try {
      co_await reader.readexactly(2);
    } catch (const IncompleteReadError& e) {
      co_return e.partial() == "a" && e.expected() == 2u &&
          std::string(e.what()) == "1 bytes read on a total of 2 expected bytes" && reader.at_eof();
    }
    co_return false;
  };
  CHECK(run_on_sim(main()));
}

TEST_CASE("a cancelled readexactly consumes nothing") {
  SimLoop loop;
  StreamReader reader;
  auto main = [&]() -> Task<std::string> {
    reader.feed_data("12345");
    auto pending = aiostreams::create_task(readexactly_of(reader, 10));
    co_await aiostreams::sleep(1);
    pending.cancel();
    try {
      co_await pending;
    } catch (const CancelledError&) {
    }
    CHECK(pending.cancelled());
    co_return co_await reader.readexactly(5);
  };
  CHECK(aiostreams::run(loop, main()) == "12345");
}

TEST_CASE("a second coroutine that must wait gets CPython's RuntimeError") {
  SimLoop loop;
  StreamReader reader;
  auto main = [&]() -> Task<std::string> {
    auto first = aiostreams::create_task(readline_of(reader));
    co_await aiostreams::sleep(1);
    std::string message;
    try {
      co_await reader.read(5);
    } catch (const aiostreams::RuntimeError& e) {
      message = e.what();
    }
    reader.feed_data("x\n");
    const std::string line = co_await first;
    CHECK(line == "x\n");
    co_return message;
  };
  CHECK(aiostreams::run(loop, main()) == "read() called while another coroutine is already waiting for incoming data");
}

TEST_CASE("feed_data after feed_eof is an AssertionError, even for empty data") {
  StreamReader reader;
  reader.feed_eof();
  CHECK_THROWS_AS(reader.feed_data(""), aiostreams::AssertionError);
  CHECK_THROWS_WITH(reader.feed_data("x"), "feed_data after feed_eof");
}

TEST_CASE("reading pauses above twice the limit and resumes at or below the limit") {
  SimLoop loop;
  StreamReader reader(2);
  auto transport = std::make_shared<CountingTransport>();
  reader.set_transport(transport);
  reader.feed_data("1234");
  CHECK(transport->pauses == 0);  // 4 is not > 4
  reader.feed_data("5");
  CHECK(transport->pauses == 1);
  CHECK(reader.reading_paused());
  auto main = [&]() -> Task<void> {
    co_await reader.read(1);
    CHECK(transport->resumes == 0);  // 4 bytes left, still > limit
    co_await reader.read(2);
    CHECK(transport->resumes == 1);  // 2 bytes left
  };
  aiostreams::run(loop, main());
  CHECK_FALSE(reader.reading_paused());
}

TEST_CASE("a transport that cannot pause is forgotten and never asked again") {
  StreamReader reader(1);
  auto transport = std::make_shared<UnpausableTransport>();
  reader.set_transport(transport);
  reader.feed_data("abc");
  reader.feed_data("def");
  CHECK(transport->pause_attempts == 1);
  CHECK_FALSE(reader.reading_paused());
  CHECK(reader.buffered() == 6);
}

TEST_CASE("setting a transport twice is an AssertionError") {
  StreamReader reader;
  reader.set_transport(std::make_shared<CountingTransport>());
  CHECK_THROWS_WITH(reader.set_transport(std::make_shared<CountingTransport>()), "Transport already set");
}

TEST_CASE("read with a negative size reads everything until EOF, beyond the limit") {
  SimLoop loop;
  StreamReader reader(3);
  auto main = [&]() -> Task<std::string> {
    auto all = aiostreams::create_task(read_all_of(reader));
    co_await aiostreams::sleep(1);
    reader.feed_data("chunk1\n");
    co_await aiostreams::sleep(1);
    reader.feed_data("chunk2");
    reader.feed_eof();
    co_return co_await all;
  };
  CHECK(aiostreams::run(loop, main()) == "chunk1\nchunk2");
}

TEST_CASE("a long line fed one byte at a time is found without rescanning") {
  // Each wake-up searches only the new byte; a rescan would make this quadratic (and the
  // benchmark in bench/ shows the time per byte stays flat from 4 MiB to 16 MiB).
  SimLoop loop;
  StreamReader reader(1 << 20);
  const std::size_t length = 200'000;
  auto main = [&]() -> Task<std::size_t> {
    auto line = aiostreams::create_task(readuntil_of(reader, "\r\n"));
    for (std::size_t i = 0; i < length; ++i) {
      reader.feed_data(i + 2 < length ? "x" : (i + 2 == length ? "\r" : "\n"));
      co_await aiostreams::yield_now();
    }
    co_return (co_await line).size();
  };
  CHECK(aiostreams::run(loop, main()) == length);
}

TEST_CASE("repr lists the reader's state like CPython") {
  StreamReader reader(123);
  CHECK(reader.repr() == "<StreamReader limit=123>");
  reader.feed_data("data");
  reader.feed_eof();
  CHECK(reader.repr() == "<StreamReader 4 bytes eof limit=123>");
  CHECK(StreamReader().repr() == "<StreamReader>");
}

TEST_CASE("feeding a moved string behaves like feeding a copy") {
  auto main = []() -> Task<std::vector<std::string>> {
    StreamReader reader;
    std::string first = "one\ntw";
    std::string second = "o\n";
    reader.feed_data(std::move(first));   // adopted: the buffer was empty
    reader.feed_data(std::move(second));  // appended
    reader.feed_eof();
    std::vector<std::string> lines;
    while (auto line = co_await reader.next_line()) lines.push_back(*line);
    co_return lines;
  };
  CHECK(run_on_sim(main()) == std::vector<std::string>{"one\n", "two\n"});
}

TEST_CASE("the buffer search finds short and long needles at the first position, from an offset") {
  aiostreams::detail::ByteBuffer buffer;
  buffer.append("xxaab\r\r\nabcdefgh-abcdefghij");
  CHECK(buffer.find("\n", 0) == 7);
  CHECK(buffer.find("\r\n", 0) == 6);
  CHECK(buffer.find("aab", 0) == 2);
  CHECK(buffer.find("ab", 3) == 3);
  CHECK(buffer.find("abcdefghij", 0) == 17);  // memmem path: the first "abcdefgh" is too short
  CHECK(buffer.find("\r\n", 7) == aiostreams::detail::ByteBuffer::npos);
  CHECK(buffer.find("j", 26) == 26);
  CHECK(buffer.find("j", 27) == aiostreams::detail::ByteBuffer::npos);
  CHECK(buffer.find("zz", 0) == aiostreams::detail::ByteBuffer::npos);
  buffer.drop(3);  // positions are relative to the unread data
  CHECK(buffer.find("ab", 0) == 0);
}
