// The streams API end to end on the AsioLoop, over loopback TCP and Unix sockets.
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <any>
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"
#include "support/bounded_run.hpp"
#include "support/echo_handlers.hpp"

using aiostreams::AsioLoop;
using aiostreams::Future;
using aiostreams::Server;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::testing::echo_lines;
using aiostreams::testing::run_bounded;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

// Catch's assertion macros must not contain co_await (the assertion state would span a
// suspension, and GCC 12 mishandles temporaries around co_await): await first, then check.
#define AWAIT_RAISES(ErrorType, ...) \
  do {                               \
    bool raised_ = false;            \
    try {                            \
      (void)(co_await __VA_ARGS__);  \
    } catch (const ErrorType&) {     \
      raised_ = true;                \
    }                                \
    CHECK(raised_);                  \
  } while (0)

namespace {

// Echoes lines until EOF, then closes.
// (References, not values: GCC 12 mishandles by-value coroutine arguments built inside a
// co_await expression — it may destroy or move them twice.)
Task<std::string> echo_once(const aiostreams::StreamPair& pair, const char* text) {
  const auto& [reader, writer] = pair;
  writer->write(std::string(text) + "\n");
  co_await writer->drain();
  std::string line = co_await reader->readline();
  writer->close();
  co_await writer->wait_closed();
  co_return line;
}

int first_port(const Server& server) { return server.sockets().at(0).port; }

std::string temp_socket_path(const char* name) {
  return "/tmp/aiostreams-" + std::to_string(::getpid()) + "-" + name + ".sock";
}

Task<void> drain_task(WriterPtr writer) { co_await writer->drain(); }

aiostreams::ConnectOptions family_option(int family) {
  aiostreams::ConnectOptions options;
  options.family = family;
  return options;
}
aiostreams::ConnectOptions limit_option(std::int64_t limit) {
  aiostreams::ConnectOptions options;
  options.limit = limit;
  return options;
}
aiostreams::ServerOptions no_cleanup_option() {
  aiostreams::ServerOptions options;
  options.cleanup_socket = false;
  return options;
}
aiostreams::ServerOptions not_serving_option() {
  aiostreams::ServerOptions options;
  options.start_serving = false;
  return options;
}

}  // namespace

TEST_CASE("an echo server over IPv4 loopback answers a line", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    REQUIRE(server->sockets().size() == 1);
    CHECK(server->sockets()[0].host == "127.0.0.1");
    CHECK(first_port(*server) > 0);
    CHECK(server->is_serving());
    auto pair = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    {
      auto value = co_await echo_once(pair, "hello");
      CHECK(value == "hello\n");
    }
    co_await server->aclose();
  });
}

TEST_CASE("an echo server over IPv6 loopback answers a line", "[asio]") {
  run_bounded([]() -> Task<void> {
    std::shared_ptr<Server> server;
    try {
      server = co_await aiostreams::start_server(echo_lines, "::1", 0);
    } catch (const aiostreams::OSError& e) {
      WARN("IPv6 loopback unavailable, skipped: " << e.what());
      co_return;
    }
    CHECK(server->sockets().at(0).host == "::1");
    auto pair = co_await aiostreams::open_connection("::1", first_port(*server));
    const auto peer = std::any_cast<aiostreams::SocketAddress>(pair.second->get_extra_info("peername"));
    CHECK(peer.to_string() == "[::1]:" + std::to_string(first_port(*server)));
    {
      auto value = co_await echo_once(pair, "six");
      CHECK(value == "six\n");
    }
    co_await server->aclose();
  });
}

TEST_CASE("peername and sockname are numeric addresses and socket is the descriptor", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "localhost", 0, {.reuse_address = true});
    CHECK(!server->sockets().empty());
    int port = 0;
    for (const auto& address : server->sockets()) {
      if (address.host == "127.0.0.1") port = address.port;
    }
    REQUIRE(port != 0);
    auto [reader, writer] = co_await aiostreams::open_connection("localhost", port, family_option(AF_INET));
    const auto peer = std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("peername"));
    const auto self = std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("sockname"));
    CHECK(peer.host == "127.0.0.1");
    CHECK(peer.port == port);
    CHECK(self.host == "127.0.0.1");
    CHECK(self.port != 0);
    CHECK(std::any_cast<int>(writer->get_extra_info("socket")) >= 0);
    CHECK(!writer->get_extra_info("nonsense").has_value());
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("an echo server on a Unix socket path answers and its file is removed on close", "[asio]") {
  const std::string path = temp_socket_path("echo");
  run_bounded([&]() -> Task<void> {
    auto server = co_await aiostreams::start_unix_server(echo_lines, path);
    CHECK(server->sockets().at(0).path == path);
    struct stat info {};
    CHECK(::stat(path.c_str(), &info) == 0);
    auto pair = co_await aiostreams::open_unix_connection(path);
    {
      auto value = co_await echo_once(pair, "unix");
      CHECK(value == "unix\n");
    }
    co_await server->aclose();
    CHECK(::stat(path.c_str(), &info) != 0);
  });
}

TEST_CASE("an echo server on a Linux abstract Unix name answers", "[asio]") {
  const std::string name = std::string(1, '\0') + "aiostreams-test-" + std::to_string(::getpid());
  run_bounded([&]() -> Task<void> {
    auto server = co_await aiostreams::start_unix_server(echo_lines, name);
    CHECK(server->sockets().at(0).path == name);
    auto pair = co_await aiostreams::open_unix_connection(name);
    {
      auto value = co_await echo_once(pair, "abstract");
      CHECK(value == "abstract\n");
    }
    // A second server on a live abstract name: EADDRINUSE with asyncio's message.
    bool in_use = false;
    try {
      co_await aiostreams::start_unix_server(echo_lines, name);
    } catch (const aiostreams::OSError& e) {
      in_use = e.code().value() == EADDRINUSE && std::string(e.what()) == "[Errno 98] Address '\\x00aiostreams-test-" +
                                                                              std::to_string(::getpid()) +
                                                                              "' is already in use";
    }
    CHECK(in_use);
    co_await server->aclose();
  });
}

TEST_CASE("a stale Unix socket file is replaced and cleanup leaves a replaced file alone", "[asio]") {
  const std::string path = temp_socket_path("stale");
  run_bounded([&]() -> Task<void> {
    auto first = co_await aiostreams::start_unix_server(echo_lines, path, no_cleanup_option());
    first->close();
    co_await first->wait_closed();
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);  // left behind: stale
    auto second = co_await aiostreams::start_unix_server(echo_lines, path);
    auto pair = co_await aiostreams::open_unix_connection(path);
    {
      auto value = co_await echo_once(pair, "fresh");
      CHECK(value == "fresh\n");
    }
    // Someone else's file at the path now: close() must not unlink it.
    ::unlink(path.c_str());
    std::FILE* other = std::fopen(path.c_str(), "w");
    REQUIRE(other != nullptr);
    std::fclose(other);
    co_await second->aclose();
    CHECK(::stat(path.c_str(), &info) == 0);
    ::unlink(path.c_str());
  });
}

TEST_CASE("write_eof half-closes: the server reads to EOF and still answers", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto handler = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      std::string all = co_await reader->read();
      CHECK(reader->at_eof());
      CHECK_FALSE(writer->is_closing());
      writer->write("got " + all);
      writer->close();
      co_await writer->wait_closed();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    CHECK(writer->can_write_eof());
    writer->write("ping");
    writer->write_eof();
    writer->write_eof();  // a no-op the second time
    CHECK_THROWS_AS(writer->write("more"), aiostreams::RuntimeError);
    CHECK_THROWS_WITH(writer->write("more"), "Cannot call write() after write_eof()");
    {
      auto value = co_await reader->read();
      CHECK(value == "got ping");
    }
    CHECK(reader->at_eof());
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("a client that gets EOF from the server can still write to it", "[asio]") {
  run_bounded([]() -> Task<void> {
    Future<std::string> received;
    auto handler = [received](ReaderPtr reader, WriterPtr writer) mutable -> Task<void> {
      writer->write("bye");
      writer->write_eof();
      std::string data = co_await reader->read();
      received.set_result(data);
      writer->close();
      co_await writer->wait_closed();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    {
      auto value = co_await reader->read();
      CHECK(value == "bye");
    }
    CHECK(reader->at_eof());
    CHECK_FALSE(writer->is_closing());  // peer EOF keeps the connection open (half-close)
    writer->write("still here");
    writer->write_eof();
    {
      auto value = co_await received;
      CHECK(value == "still here");
    }
    // Our transport stopped reading at EOF (as asyncio's): it does not notice the server
    // closing; connection_lost comes from our own close().
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("close makes is_closing true at once and wait_closed returns", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    writer->close();
    CHECK(writer->is_closing());
    writer->close();  // idempotent
    co_await writer->wait_closed();
    co_await writer->wait_closed();  // any number of times
    {
      auto value = co_await reader->read();
      CHECK(value == "");
    }
    co_await server->aclose();
  });
}

TEST_CASE("write and drain after close raise ConnectionResetError Connection lost", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    writer->close();
    writer->write("dropped");
    bool reset = false;
    try {
      co_await writer->drain();
    } catch (const aiostreams::ConnectionResetError& e) {
      reset = std::string(e.what()) == "Connection lost";
    }
    CHECK(reset);
    co_await server->aclose();
  });
}

TEST_CASE("writes after the connection is lost are dropped and warned about from the fifth", "[asio]") {
  AsioLoop loop;
  std::vector<std::string> messages;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) { messages.push_back(context.message); });
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    writer->close();
    co_await writer->wait_closed();
    for (int i = 0; i < 6; ++i) writer->write("x");
    CHECK(writer->transport()->get_write_buffer_size() == 0);
    co_await server->aclose();
  });
  // close() set asyncio's _conn_lost to 1; each dropped write counts, and it warns once the
  // count is 5 or more before the increment: the 5th and 6th writes.
  CHECK(std::count(messages.begin(), messages.end(), "socket.send() raised exception.") == 2);
}

TEST_CASE("a peer reset makes readline and wait_closed raise ConnectionResetError", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto handler = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      const int fd = std::any_cast<int>(writer->get_extra_info("socket"));
      ::linger option{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
      co_await reader->readline();
      writer->close();  // with SO_LINGER 0: RST
      co_await writer->wait_closed();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    writer->write("go\n");
    AWAIT_RAISES(aiostreams::ConnectionResetError, reader->readline());
    bool reset = false;
    try {
      co_await writer->wait_closed();
    } catch (const aiostreams::ConnectionResetError&) {
      reset = true;
    }
    CHECK(reset);
    CHECK(writer->is_closing());
    co_await server->aclose();
  });
}

TEST_CASE("drain blocks while the server does not read and completes once it does", "[asio]") {
  run_bounded([]() -> Task<void> {
    Future<void> start_reading;
    Future<std::size_t> read_total;
    auto handler = [start_reading, read_total](ReaderPtr reader, WriterPtr writer) mutable -> Task<void> {
      const int server_fd = std::any_cast<int>(writer->get_extra_info("socket"));
      const int small_receive = 16384;
      ::setsockopt(server_fd, SOL_SOCKET, SO_RCVBUF, &small_receive, sizeof small_receive);
      co_await start_reading;
      std::size_t total = 0;
      for (;;) {
        std::string chunk = co_await reader->read(1 << 16);
        if (chunk.empty()) break;
        total += chunk.size();
      }
      read_total.set_result(total);
      writer->close();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    const int fd = std::any_cast<int>(writer->get_extra_info("socket"));
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    auto transport = writer->transport();
    CHECK(transport->get_write_buffer_limits() == std::pair<std::size_t, std::size_t>(16384, 65536));
    const std::string chunk(16384, 'x');
    std::size_t sent = 0;
    std::size_t max_buffered = 0;
    // Write while drain() does not block; once the transport pauses the protocol (buffer above
    // the high-water mark), see whether the kernel still takes it (bounded: 256 MiB).
    Future<void> drained;
    bool blocked = false;
    while (!blocked && sent < (256u << 20)) {
      writer->write(chunk);
      sent += chunk.size();
      max_buffered = std::max(max_buffered, transport->get_write_buffer_size());
      if (transport->get_write_buffer_size() <= 65536) continue;
      drained = aiostreams::create_task(aiostreams::get_running_loop(), drain_task(writer));
      // Blocked means: still waiting after 50 ms and again 100 ms later (the receiver's
      // kernel buffer may still be growing).
      co_await aiostreams::sleep(0.05);
      if (!drained.done()) co_await aiostreams::sleep(0.1);
      blocked = !drained.done();
      if (!blocked) co_await drained;
    }
    REQUIRE(blocked);
    CHECK(transport->get_write_buffer_size() > 16384);  // still paused: above the low-water mark
    CHECK(max_buffered <= 65536 + chunk.size());        // bounded: high-water mark + one write
    start_reading.set_result();
    co_await drained;
    CHECK(transport->get_write_buffer_size() <= 16384);
    writer->write_eof();
    {
      auto value = co_await read_total;
      CHECK(value == sent);
    }
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("fifty concurrent clients each get their own echo", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    const int port = first_port(*server);
    auto client = [](int port_number, int id) -> Task<bool> {
      auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", port_number);
      bool ok = true;
      for (int round = 0; round < 5; ++round) {
        const std::string line = "client " + std::to_string(id) + " round " + std::to_string(round) + "\n";
        writer->write(line);
        co_await writer->drain();
        std::string answer = co_await reader->readline();
        ok = ok && answer == line;
      }
      writer->close();
      co_await writer->wait_closed();
      co_return ok;
    };
    std::vector<Future<bool>> clients;
    for (int i = 0; i < 50; ++i)
      clients.push_back(aiostreams::create_task(aiostreams::get_running_loop(), client(port, i)));
    int good = 0;
    for (auto& c : clients) {
      const bool ok = co_await c;
      good += ok ? 1 : 0;
    }
    CHECK(good == 50);
    co_await server->aclose();
    CHECK(server->client_count() == 0);
  });
}

TEST_CASE("server close stops new connections and keeps the existing ones", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    const int port = first_port(*server);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", port);
    writer->write("one\n");
    {
      auto value = co_await reader->readline();
      CHECK(value == "one\n");
    }
    server->close();
    CHECK_FALSE(server->is_serving());
    CHECK(server->sockets().empty());
    AWAIT_RAISES(aiostreams::ConnectionRefusedError, aiostreams::open_connection("127.0.0.1", port));
    writer->write("two\n");
    {
      auto value = co_await reader->readline();
      CHECK(value == "two\n");
    }
    CHECK(server->client_count() == 1);
    auto closed = aiostreams::create_task(aiostreams::get_running_loop(), server->wait_closed());
    co_await aiostreams::sleep(0.01);
    CHECK_FALSE(closed.done());  // waits for the last client
    writer->close();
    co_await writer->wait_closed();
    co_await closed;
  });
}

TEST_CASE("close_clients and abort_clients end every connection with EOF", "[asio]") {
  for (const bool abort : {false, true}) {
    run_bounded([abort]() -> Task<void> {
      auto handler = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
        co_await reader->read();
        (void)writer;
      };
      auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
      auto a = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
      auto b = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
      while (server->client_count() < 2) co_await aiostreams::sleep(0.001);
      server->close();
      if (abort) {
        server->abort_clients();
      } else {
        server->close_clients();
      }
      co_await server->wait_closed();
      {
        auto value = co_await a.first->read();
        CHECK(value == "");
      }
      {
        auto value = co_await b.first->read();
        CHECK(value == "");
      }
      a.second->close();
      b.second->close();
    });
  }
}

TEST_CASE("connecting to a port nobody listens on raises ConnectionRefusedError", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    const int port = first_port(*server);
    co_await server->aclose();
    bool refused = false;
    try {
      co_await aiostreams::open_connection("127.0.0.1", port);
    } catch (const aiostreams::ConnectionRefusedError& e) {
      refused = e.code().value() == ECONNREFUSED &&
                std::string(e.what()) == "[Errno 111] Connect call failed ('127.0.0.1', " + std::to_string(port) + ")";
    }
    CHECK(refused);
    AWAIT_RAISES(aiostreams::OSError, aiostreams::open_unix_connection(temp_socket_path("nobody")));
  });
}

TEST_CASE("an unknown host raises OSError", "[asio]") {
  run_bounded([]() -> Task<void> {
    AWAIT_RAISES(aiostreams::OSError,
                 aiostreams::wait_for(aiostreams::open_connection("no-such-host.invalid", 80), 8.0));
  });
}

TEST_CASE("a cancelled connect leaves nothing pending", "[asio]") {
  AsioLoop loop;
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    const int port = first_port(*server);
    for (int i = 0; i < 20; ++i) {
      auto connecting = aiostreams::create_task(loop, aiostreams::open_connection("127.0.0.1", port));
      for (int spin = 0; spin < i % 4; ++spin) co_await aiostreams::sleep(0);
      connecting.cancel();
      try {
        auto pair = co_await connecting;
        pair.second->close();  // it won the race
        co_await pair.second->wait_closed();
      } catch (const aiostreams::CancelledError&) {
      }
    }
    // Every half-made connection was closed: the server sees each one go away.
    for (int spin = 0; spin < 200 && server->client_count() > 0; ++spin) co_await aiostreams::sleep(0.005);
    CHECK(server->client_count() == 0);
    CHECK(loop.pending_task_count() == 2);  // this task and wait_for's
    co_await server->aclose();
  });
}

TEST_CASE("a server created with start_serving false accepts only once started", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, not_serving_option());
    CHECK_FALSE(server->is_serving());
    const int port = first_port(*server);
    CHECK(port > 0);
    AWAIT_RAISES(aiostreams::ConnectionRefusedError, aiostreams::open_connection("127.0.0.1", port));
    co_await server->start_serving();
    CHECK(server->is_serving());
    auto pair = co_await aiostreams::open_connection("127.0.0.1", port);
    {
      auto value = co_await echo_once(pair, "late");
      CHECK(value == "late\n");
    }
    co_await server->aclose();
  });
}

TEST_CASE("binding a port in use raises OSError naming the address", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, {.reuse_address = false});
    const int port = first_port(*server);
    bool in_use = false;
    try {
      co_await aiostreams::start_server(echo_lines, "127.0.0.1", port, {.reuse_address = false});
    } catch (const aiostreams::OSError& e) {
      in_use = e.code().value() == EADDRINUSE &&
               std::string(e.what()) == "[Errno 98] error while attempting to bind on address ('127.0.0.1', " +
                                            std::to_string(port) + "): address already in use";
    }
    CHECK(in_use);
    co_await server->aclose();
  });
}

TEST_CASE("a readline longer than the limit over a real connection raises ValueError", "[asio]") {
  run_bounded([]() -> Task<void> {
    auto handler = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      writer->write(std::string(100, 'a') + "\nok\n");
      co_await reader->read();
      writer->close();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), limit_option(16));
    co_await aiostreams::sleep(0.05);  // let all of it arrive in one chunk
    AWAIT_RAISES(aiostreams::ValueError, reader->readline());
    {
      auto value = co_await reader->readline();
      CHECK(value == "ok\n");
    }
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("a writer kept after its loop is gone does not crash", "[asio]") {
  WriterPtr kept;
  {
    AsioLoop loop;
    run_bounded(loop, [&]() -> Task<void> {
      auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
      auto pair = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
      kept = pair.second;
      server->close();
    });
  }
  kept->write("into the void");
  kept->close();
  CHECK(kept->is_closing());
  kept.reset();
}
