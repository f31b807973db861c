#include <algorithm>
#include <any>
#include <catch2/catch.hpp>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <netdb.h>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/recorder.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/streams.hpp"
#include "support/echo_handlers.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::SocketAddress;
using aiostreams::Task;
using aiostreams::Transport;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using aiostreams::sim::testing::Recorder;
using aiostreams::sim::testing::RecorderFactory;

namespace {
std::string pattern(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return text;
}

SocketAddress address_of(const Transport& transport, const char* key) {
  return std::any_cast<SocketAddress>(transport.get_extra_info(key));
}

/// Listens on server:8888 with `server_side`, then connects from client-1 with a Recorder
/// and runs `body(client recorder, server factory)`.
template <class Body>
void with_connection(SimLoop& loop, RecorderFactory server_side, RecorderFactory client_side, Body body) {
  loop.network().add_host("server");
  loop.network().add_host("client-1");
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await aiostreams::sim::spawn_on(
        loop, "server", loop.create_server(server_side.factory(), "", 8888, ServerOptions{}));
    auto transport = co_await spawn_on(loop, "client-1",
                                       loop.create_connection(client_side.factory(), "server", 8888, ConnectOptions{}));
    co_await aiostreams::sleep(0.01);
    co_await body(transport, server);
    server->close();
  };
  aiostreams::run(loop, main());
}
}  // namespace

TEST_CASE("a client on one host connects to a server on another and gets its bytes echoed") {
  SimLoop loop(1);
  RecorderFactory server_side;
  server_side.echo = true;
  RecorderFactory client_side;
  with_connection(
      loop, server_side, client_side,
      [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
        transport->write("hello ");
        transport->write("world");
        co_await aiostreams::sleep(0.1);
        CHECK(client_side.at(0).data == "hello world");
        CHECK(server_side.at(0).data == "hello world");
        CHECK(address_of(*transport, "peername") == SocketAddress{"127.0.0.2", 8888, ""});
        CHECK(address_of(*transport, "sockname") == SocketAddress{"127.0.0.3", 49152, ""});
        CHECK(address_of(*server_side.at(0).transport, "peername") == SocketAddress{"127.0.0.3", 49152, ""});
        CHECK_FALSE(transport->get_extra_info("socket").has_value());
        transport->close();
        co_await aiostreams::sleep(0.1);
        CHECK(client_side.at(0).events == std::vector<std::string>{"made", "lost"});
        CHECK(server_side.at(0).events == std::vector<std::string>{"made", "eof"});
      });
  CHECK(loop.network().address_of("server") == "127.0.0.2");
  CHECK(loop.network().host_names() == std::vector<std::string>{"localhost", "server", "client-1"});
}

TEST_CASE("code that never names a host meets on localhost at 127.0.0.1") {
  SimLoop loop(2);
  RecorderFactory server_side;
  server_side.echo = true;
  RecorderFactory client_side;
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await loop.create_server(server_side.factory(), "127.0.0.1", 0, ServerOptions{});
    const int port = server->sockets().at(0).port;
    CHECK(port == 49152);
    auto transport = co_await loop.create_connection(client_side.factory(), "127.0.0.1", port, ConnectOptions{});
    transport->write("ping");
    co_await aiostreams::sleep(0.01);
    CHECK(client_side.at(0).data == "ping");
    CHECK(address_of(*transport, "sockname").host == "127.0.0.1");
    transport->close();
    server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("data keeps its order and arrives in partial chunks under random segmentation") {
  SimLoop loop(3);
  loop.network().config().segmentation_probability = 1.0;
  RecorderFactory server_side;
  RecorderFactory client_side;
  const std::string payload = pattern(300000);
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    for (std::size_t offset = 0; offset < payload.size(); offset += 30000) {
                      transport->write(std::string_view(payload).substr(offset, 30000));
                    }
                    co_await aiostreams::sleep(1.0);
                    CHECK(server_side.at(0).data.size() == payload.size());
                    CHECK(server_side.at(0).data == payload);
                    CHECK(server_side.at(0).chunks > 10);
                    transport->close();
                  });
}

TEST_CASE("a receiver that stops reading makes the sender pause writing and everything arrives after it resumes") {
  SimLoop loop(4);
  RecorderFactory server_side;
  server_side.pause_on_made = true;
  RecorderFactory client_side;
  const std::string payload = pattern(256 * 1024);
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    Recorder& client = client_side.at(0);
                    transport->write(payload);
                    // 64 KiB in the receive window, 64 KiB in the send buffer, the rest buffered
                    CHECK(client.pauses == 1);
                    CHECK(transport->get_write_buffer_size() == 128 * 1024);
                    co_await aiostreams::sleep(1.0);
                    CHECK(server_side.at(0).data.empty());
                    CHECK(transport->get_write_buffer_size() == 128 * 1024);
                    CHECK(client.resumes == 0);
                    server_side.at(0).transport->resume_reading();
                    co_await aiostreams::sleep(1.0);
                    CHECK(server_side.at(0).data == payload);
                    CHECK(transport->get_write_buffer_size() == 0);
                    CHECK(client.resumes == 1);
                    CHECK(client.events == std::vector<std::string>{"made", "pause", "resume"});
                    transport->close();
                  });
}

TEST_CASE("write_eof half-closes each direction and both sides can still write") {
  SimLoop loop(5);
  RecorderFactory server_side;
  RecorderFactory client_side;
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    Recorder& server = server_side.at(0);
                    transport->write("ping");
                    transport->write_eof();
                    CHECK(transport->can_write_eof());
                    CHECK_THROWS_WITH(transport->write("x"), "Cannot call write() after write_eof()");
                    transport->write_eof();  // a no-op the second time
                    co_await aiostreams::sleep(0.1);
                    CHECK(server.data == "ping");
                    CHECK(server.events == std::vector<std::string>{"made", "eof"});
                    CHECK_FALSE(server.transport->is_closing());
                    server.transport->write("pong");
                    server.transport->write_eof();
                    co_await aiostreams::sleep(0.1);
                    CHECK(client_side.at(0).data == "pong");
                    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "eof"});
                    // as CPython: both directions shut does not end the transports; close() does
                    CHECK_FALSE(server.lost);
                    server.transport->close();
                    transport->close();
                    co_await aiostreams::sleep(0.1);
                    CHECK(server.events.back() == "lost");
                    CHECK(client_side.at(0).events.back() == "lost");
                  });
}

TEST_CASE("eof_received returning false closes the transport") {
  SimLoop loop(6);
  RecorderFactory server_side;
  server_side.keep_open = false;
  RecorderFactory client_side;
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    transport->write_eof();
                    co_await aiostreams::sleep(0.1);
                    CHECK(server_side.at(0).events == std::vector<std::string>{"made", "eof", "lost"});
                    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "eof"});
                    transport->close();
                  });
}

TEST_CASE("close flushes the write buffer first and then reports connection_lost with no error") {
  SimLoop loop(7);
  RecorderFactory server_side;
  RecorderFactory client_side;
  const std::string payload = pattern(500000);
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server> server) -> Task<void> {
                    transport->write(payload);
                    transport->close();
                    CHECK(transport->is_closing());
                    transport->close();        // idempotent
                    transport->write("tail");  // still appended: the buffer was not empty
                    co_await aiostreams::sleep(0);
                    CHECK_FALSE(client_side.at(0).lost);
                    co_await aiostreams::sleep(2.0);
                    // as CPython's _write_ready: resume_writing() runs before connection_lost()
                    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "pause", "resume", "lost"});
                    CHECK(server_side.at(0).data == payload + "tail");
                    CHECK(server_side.at(0).events == std::vector<std::string>{"made", "eof"});
                    CHECK(server->client_count() == 1);
                    server_side.at(0).transport->close();
                    co_await aiostreams::sleep(0.1);
                    CHECK(server->client_count() == 0);
                  });
}

TEST_CASE("abort drops the buffer and the peer sees EOF, or a reset if data was left unread") {
  SimLoop loop(8);
  RecorderFactory server_side;
  RecorderFactory client_side;
  client_side.pause_on_made = true;
  loop.network().add_host("server");
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server =
        co_await spawn_on(loop, "server", loop.create_server(server_side.factory(), "", 8888, ServerOptions{}));
    auto first = co_await spawn_on(loop, "c", loop.create_connection(plain, "server", 8888, ConnectOptions{}));
    co_await aiostreams::sleep(0.01);
    first->abort();
    CHECK(first->is_closing());
    co_await aiostreams::sleep(0.1);
    CHECK(server_side.at(0).events == std::vector<std::string>{"made", "eof"});

    auto second =
        co_await spawn_on(loop, "c", loop.create_connection(client_side.factory(), "server", 8888, ConnectOptions{}));
    co_await aiostreams::sleep(0.01);
    server_side.at(1).transport->write("unread");
    co_await aiostreams::sleep(0.1);
    second->abort();
    co_await aiostreams::sleep(0.1);
    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "lost"});
    CHECK(server_side.at(1).events == std::vector<std::string>{"made", "lost:Connection reset by peer"});
    server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("writes after the connection is lost are dropped and warned about from the fifth on") {
  SimLoop loop(9);
  std::vector<std::string> messages;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& c) { messages.push_back(c.message); });
  RecorderFactory server_side;
  RecorderFactory client_side;
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    transport->close();
                    for (int i = 0; i < 4; ++i) transport->write("x");
                    CHECK(messages.empty());
                    transport->write("x");
                    CHECK(messages == std::vector<std::string>{"socket.send() raised exception."});
                    co_await aiostreams::sleep(0.1);
                    CHECK(server_side.at(0).data.empty());
                  });
}

TEST_CASE("connecting to a port nobody listens on is refused and an unknown name fails to resolve") {
  SimLoop loop(10);
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    CHECK_THROWS_AS(co_await loop.create_connection(plain, "127.0.0.1", 9999, ConnectOptions{}),
                    aiostreams::ConnectionRefusedError);
    try {
      co_await loop.create_connection(plain, "nowhere", 80, ConnectOptions{});
      FAIL("resolved an unknown name");
    } catch (const aiostreams::OSError& error) {
      CHECK(error.code().value() == EAI_NONAME);
      CHECK(std::string(error.what()).find("Name or service not known") != std::string::npos);
    }
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a server bound to 127.0.0.1 is reachable only from its own host and a taken port is in use") {
  SimLoop loop(11);
  loop.network().add_host("server");
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await loop.create_server(plain, "127.0.0.1", 7000, ServerOptions{});
    try {
      co_await loop.create_server(plain, "", 7000, ServerOptions{});
      FAIL("bound twice");
    } catch (const aiostreams::OSError& error) {
      CHECK(error.code().value() == EADDRINUSE);
    }
    auto local = co_await loop.create_connection(plain, "localhost", 7000, ConnectOptions{});
    CHECK(local != nullptr);
    local->close();
    CHECK_THROWS_AS(
        co_await spawn_on(loop, "server", loop.create_connection(plain, "127.0.0.1", 7000, ConnectOptions{})),
        aiostreams::ConnectionRefusedError);
    server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("unix sockets connect by path on the same host and a missing path is not found") {
  SimLoop loop(12);
  RecorderFactory server_side;
  server_side.echo = true;
  RecorderFactory client_side;
  const auto plain = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await loop.create_unix_server(server_side.factory(), "/tmp/echo.sock", ServerOptions{});
    CHECK(server->sockets().at(0).path == "/tmp/echo.sock");
    auto transport = co_await loop.create_unix_connection(client_side.factory(), "/tmp/echo.sock", ConnectOptions{});
    transport->write("over unix");
    co_await aiostreams::sleep(0.01);
    CHECK(client_side.at(0).data == "over unix");
    CHECK(address_of(*transport, "peername").path == "/tmp/echo.sock");
    try {
      co_await loop.create_unix_connection(plain, "/tmp/missing.sock", ConnectOptions{});
      FAIL("connected to a missing path");
    } catch (const aiostreams::OSError& error) {
      CHECK(error.code().value() == ENOENT);
    }
    auto abstract = co_await loop.create_unix_server(plain, std::string("\0abs", 4), ServerOptions{});
    try {
      co_await loop.create_unix_server(plain, std::string("\0abs", 4), ServerOptions{});
      FAIL("bound an abstract name twice");
    } catch (const aiostreams::OSError& error) {
      CHECK(error.code().value() == EADDRINUSE);
      CHECK(std::string(error.what()) == "[Errno 98] Address '\\x00abs' is already in use");
    }
    transport->close();
    server->close();
    abstract->close();
    co_await aiostreams::sleep(0.01);
    CHECK_THROWS_AS(co_await loop.create_unix_connection(plain, "/tmp/echo.sock", ConnectOptions{}),
                    aiostreams::OSError);
  };
  aiostreams::run(loop, main());
}

TEST_CASE("pause_reading and resume_reading do nothing on a closing transport") {
  SimLoop loop(13);
  RecorderFactory server_side;
  RecorderFactory client_side;
  with_connection(loop, server_side, client_side,
                  [&](std::shared_ptr<Transport> transport, std::shared_ptr<aiostreams::Server>) -> Task<void> {
                    CHECK(transport->is_reading());
                    transport->pause_reading();
                    transport->pause_reading();
                    CHECK_FALSE(transport->is_reading());
                    transport->close();
                    transport->resume_reading();
                    CHECK_FALSE(transport->is_reading());
                    co_await aiostreams::sleep(0.01);
                    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "lost"});
                  });
}

TEST_CASE("a server's handler runs on the server's host: a proxy's own connections leave from there") {
  SimLoop loop(1);
  const std::string proxy_address = loop.network().add_host("proxy");
  loop.network().add_host("backend");
  loop.network().add_host("client-1");
  using aiostreams::StreamReader;
  using aiostreams::StreamWriter;
  // The backend answers with the address the connection came from.
  auto backend = [](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    const auto peer = std::any_cast<SocketAddress>(writer->get_extra_info("peername"));
    writer->write(peer.host + "\n");
    co_await writer->drain();
    writer->close();
  };
  // The proxy asks the backend and passes the answer on.
  auto proxy = [](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
    auto [upstream_reader, upstream_writer] = co_await aiostreams::open_connection("backend", 9000);
    const std::string answer = co_await upstream_reader->readline();
    upstream_writer->close();
    writer->write(answer);
    co_await writer->drain();
    writer->close();
  };
  auto main = [&]() -> Task<std::string> {
    auto backend_server = co_await spawn_on(loop, "backend", aiostreams::start_server(backend, "", 9000));
    auto proxy_server = co_await spawn_on(loop, "proxy", aiostreams::start_server(proxy, "", 8888));
    auto [reader, writer] = co_await spawn_on(loop, "client-1", aiostreams::open_connection("proxy", 8888));
    std::string seen = co_await reader->readline();
    writer->close();
    proxy_server->close();
    backend_server->close();
    co_return seen;
  };
  // Before handler tasks took their server's host, the proxy connected from "localhost".
  CHECK(aiostreams::run(loop, main()) == proxy_address + "\n");
}

TEST_CASE("the trace names hosts and connections, not numbers") {
  SimLoop loop(3);
  loop.set_trace(true);
  loop.network().add_host("server");
  loop.network().add_host("client-1");
  aiostreams::sim::FaultConfig faults;
  faults.reset = 1.0;  // every connection is reset at some point
  loop.network().set_faults(faults);
  loop.set_exception_handler([](const aiostreams::ExceptionContext&) {});  // the handler's reset is expected
  auto main = [&]() -> Task<void> {
    auto server =
        co_await spawn_on(loop, "server", aiostreams::start_server(aiostreams::testing::echo_lines, "", 8888));
    try {
      auto [reader, writer] = co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", 8888));
      writer->write("hello\n");
      co_await aiostreams::sleep(5);
      writer->close();
    } catch (const aiostreams::OSError&) {
    }
    server->close();
  };
  aiostreams::run(loop, main());
  std::vector<std::string> lines;
  for (const auto& event : loop.trace()) {
    if (event.description.rfind("draw", 0) != 0 && event.description.rfind("net-draw", 0) != 0 &&
        event.description != "callback") {
      lines.push_back(event.description);
    }
  }
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  INFO(all);
  auto has = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) != lines.end(); };
  CHECK(has("listen server:8888"));
  CHECK(has("connect client-1 -> server:8888"));
  CHECK(has("established client-1:49152 -> server:8888"));
  CHECK(has("accept server:8888 -> client-1:49152"));
  CHECK(has("send client-1:49152 -> server:8888, 6 B"));
  CHECK(has("deliver client-1:49152 -> server:8888, 6 B"));
  CHECK(has("fault-reset client-1:49152 -> server:8888"));
}
