// One connection-level suite for every backend: each test case runs once per backend
// (GENERATE), with the same client and server code. A difference between backends is a bug
// in one of them.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"
#include "support/backends.hpp"
#include "support/echo_handlers.hpp"

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::testing::Backend;
using aiostreams::testing::each_backend;
using aiostreams::testing::echo_lines;

namespace {
using Handler = std::function<Task<void>(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>)>;

Task<std::string> round_trip(Backend& backend, std::shared_ptr<aiostreams::Server> server, std::string line) {
  auto [reader, writer] = co_await backend.connect(*server);
  writer->write(line);
  co_await writer->drain();
  std::string answer = co_await reader->readline();
  writer->close();
  co_await writer->wait_closed();
  co_return answer;
}
}  // namespace

TEST_CASE("an echo server answers a line on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<std::string> {
    auto server = co_await b->serve(echo_lines);
    std::string answer = co_await round_trip(*b, server, "hello\n");
    co_await server->aclose();
    co_return answer;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == "hello\n");
}

TEST_CASE("half-close works in both directions on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  Handler handler = [](std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    const std::string request = co_await reader->read();  // until the client's EOF
    CHECK(reader->at_eof());
    CHECK_FALSE(writer->is_closing());  // the peer's EOF does not close the connection
    writer->write("got " + request);
    writer->write_eof();  // and now we half-close too
    const std::string after = co_await reader->read();
    CHECK(after.empty());
    writer->close();
  };
  auto main = [&]() -> Task<std::string> {
    auto server = co_await b->serve(handler);
    auto [reader, writer] = co_await b->connect(*server);
    writer->write("ping");
    CHECK(writer->can_write_eof());
    writer->write_eof();
    std::string reply = co_await reader->read();
    CHECK(reader->at_eof());
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
    co_return reply;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == "got ping");
}

TEST_CASE("writing after write_eof raises RuntimeError on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<std::string> {
    auto server = co_await b->serve(echo_lines);
    auto [reader, writer] = co_await b->connect(*server);
    writer->write_eof();
    std::string message;
    try {
      writer->write("late");
    } catch (const aiostreams::RuntimeError& e) {
      message = e.what();
    }
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
    co_return message;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == "Cannot call write() after write_eof()");
}

TEST_CASE("close then wait_closed, and drain after close raises Connection lost, on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<std::string> {
    auto server = co_await b->serve(echo_lines);
    auto [reader, writer] = co_await b->connect(*server);
    writer->close();
    CHECK(writer->is_closing());
    co_await writer->wait_closed();
    std::string message;
    try {
      writer->write("x");
      co_await writer->drain();
    } catch (const aiostreams::ConnectionResetError& e) {
      message = e.what();
    }
    co_await server->aclose();
    co_return message;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == "Connection lost");
}

TEST_CASE("a peer reset surfaces in read, drain and wait_closed on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  // The server stops reading, lets the client's bytes pile up unread, and aborts: with unread
  // data the kernel (and the simulator) answer with RST.
  Handler handler = [](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    writer->transport()->pause_reading();
    co_await aiostreams::sleep(0.2);
    writer->transport()->abort();
  };
  auto main = [&]() -> Task<int> {
    auto server = co_await b->serve(handler);
    auto [reader, writer] = co_await b->connect(*server);
    writer->write("unread data\n");
    co_await writer->drain();
    int raised = 0;
    try {
      co_await reader->readline();
    } catch (const aiostreams::ConnectionResetError&) {
      ++raised;
    }
    try {
      co_await writer->drain();
    } catch (const aiostreams::ConnectionResetError&) {
      ++raised;
    }
    try {
      co_await writer->wait_closed();
    } catch (const aiostreams::ConnectionResetError&) {
      ++raised;
    }
    co_await server->aclose();
    co_return raised;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == 3);
}

TEST_CASE("a large transfer to a slow reader keeps memory bounded on both sides on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  constexpr std::size_t total = 64u << 20;  // the 64 MiB
  constexpr std::size_t chunk = 64u << 10;
  constexpr std::int64_t limit = 1 << 16;
  std::size_t received = 0;
  std::size_t most_buffered_by_reader = 0;
  Handler handler = [&](std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    for (;;) {
      most_buffered_by_reader = std::max(most_buffered_by_reader, reader->buffered());
      const std::string data = co_await reader->read(4096);
      if (data.empty()) break;
      received += data.size();
      if (received % (1u << 20) < 4096) co_await aiostreams::sleep(0.001);  // slow
    }
    writer->close();
  };
  auto main = [&]() -> Task<std::size_t> {
    auto server = co_await b->serve(handler, limit);
    auto [reader, writer] = co_await b->connect(*server);
    const std::size_t high = writer->transport()->get_write_buffer_limits().second;
    const std::string block(chunk, 'x');
    std::size_t most_buffered_by_writer = 0;
    for (std::size_t sent = 0; sent < total; sent += chunk) {
      writer->write(block);
      most_buffered_by_writer = std::max(most_buffered_by_writer, writer->transport()->get_write_buffer_size());
      co_await writer->drain();
    }
    writer->write_eof();
    const std::string rest = co_await reader->read();
    CHECK(rest.empty());
    writer->close();
    co_await server->aclose();
    CHECK(most_buffered_by_writer <= high + chunk);
    co_return received;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == total);
  // Paused above 2*limit; one more read's worth can arrive before the pause takes effect.
  CHECK(most_buffered_by_reader <= 2 * limit + 256 * 1024);
}

TEST_CASE("two hundred concurrent clients each get their own echo on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<int> {
    auto server = co_await b->serve(echo_lines);
    std::vector<aiostreams::Future<std::string>> clients;
    for (int i = 0; i < 200; ++i) {
      clients.push_back(aiostreams::create_task(round_trip(*b, server, "client " + std::to_string(i) + "\n")));
    }
    int correct = 0;
    for (int i = 0; i < 200; ++i)
      correct += (co_await clients[static_cast<std::size_t>(i)]) == "client " + std::to_string(i) + "\n";
    co_await server->aclose();
    co_return correct;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == 200);
}

TEST_CASE("server close keeps existing connections and close_clients ends them with EOF on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<std::vector<std::string>> {
    auto server = co_await b->serve(echo_lines);
    auto [reader, writer] = co_await b->connect(*server);
    server->close();
    CHECK_FALSE(server->is_serving());
    CHECK(server->sockets().empty());
    std::vector<std::string> seen;
    writer->write("still here\n");
    seen.push_back(co_await reader->readline());  // the existing connection still works
    server->close_clients();
    seen.push_back(co_await reader->read());  // EOF
    co_await server->wait_closed();
    writer->close();
    co_return seen;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == std::vector<std::string>{"still here\n", ""});
}

TEST_CASE("abort_clients ends every connection and wait_closed returns on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  auto main = [&]() -> Task<int> {
    auto server = co_await b->serve(echo_lines);
    auto first = co_await b->connect(*server);
    auto second = co_await b->connect(*server);
    first.second->write("a\n");
    second.second->write("b\n");
    const std::string a = co_await first.first->readline();
    const std::string b2 = co_await second.first->readline();
    CHECK(a == "a\n");
    CHECK(b2 == "b\n");
    server->close();
    server->abort_clients();
    co_await server->wait_closed();
    int ended = 0;
    for (auto* pair : {&first, &second}) {
      try {
        ended += (co_await pair->first->read()).empty();
      } catch (const aiostreams::ConnectionResetError&) {
        ++ended;  // an abort may reach the peer as a reset
      }
      pair->second->close();
    }
    co_return ended;
  };
  INFO("backend " << backend);
  CHECK(b->run(main()) == 2);
}

TEST_CASE("a line longer than the limit over a connection raises ValueError on every backend") {
  const std::string backend = GENERATE(each_backend());
  auto b = aiostreams::testing::make_backend(backend);
  Handler handler = [](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    writer->write(std::string(100, 'x') + "\nshort\n");
    co_await writer->drain();
    writer->close();
  };
  auto main = [&]() -> Task<std::string> {
    auto server = co_await b->serve(handler);
    auto [reader, writer] = co_await b->connect(*server, 10);
    std::string outcome;
    try {
      co_await reader->readline();
    } catch (const aiostreams::ValueError& e) {
      outcome = e.what();
    }
    outcome += " | " + co_await reader->readline();
    writer->close();
    co_await server->aclose();
    co_return outcome;
  };
  INFO("backend " << backend);
  const std::string outcome = b->run(main());
  // Which overrun happens depends on how the bytes arrived, exactly as in CPython; either way
  // the long line is dropped and the next one is intact.
  CHECK((outcome == "Separator is found, but chunk is longer than limit | short\n" ||
         outcome == "Separator is not found, and chunk exceed the limit | short\n" ||
         outcome.rfind("Separator is not found, and chunk exceed the limit | ", 0) == 0));
}
