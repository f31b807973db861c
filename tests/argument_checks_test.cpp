// asyncio's argument checks and setup errors, one table for every loop: each bad call runs on
// the simulator and on Asio (over TCP or over Unix sockets, whichever the call is about), and
// must raise the same exception type with the same message on each.
//
// The expected messages are CPython's own: each was checked by running CPython 3.11 on the
// same call (tests/argument_checks_oracle.py prints them, case by case, under the same names).
// Where we differ from CPython the row says so. Socket reprs are ours (Socket::repr), not
// Python's "<socket.socket fd=8, family=1, type=2, proto=0>".
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/detail/python_format.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/socket.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/streams.hpp"

namespace {

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::Socket;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

// What the calls use: sockets of each kind, TLS contexts, names nobody uses, and the port a
// call picked (for its message). Made once per case, so every backend sees the same sockets.
struct Fixture {
  Fixture() {
    auto pair = aiostreams::socketpair();
    stream = pair.first;
    peer = pair.second;
    const int dgram_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int tcp_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(dgram_fd >= 0);
    REQUIRE(tcp_fd >= 0);
    dgram = Socket::adopt(dgram_fd);
    tcp = Socket::adopt(tcp_fd);
  }
  ~Fixture() {
    ::unlink(path.c_str());
    ::unlink(missing.c_str());
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  Socket stream, peer, dgram, tcp;
  std::shared_ptr<aiostreams::SslContext> client_ssl = aiostreams::SslContext::client();
  std::shared_ptr<aiostreams::SslContext> server_ssl = aiostreams::SslContext::server();
  std::string path = "/tmp/aiostreams-argcheck-" + std::to_string(::getpid()) + ".sock";
  std::string missing = "/tmp/aiostreams-argcheck-" + std::to_string(::getpid()) + "-missing.sock";
  std::string abstract = std::string(1, '\0') + "aiostreams-argcheck-" + std::to_string(::getpid());
  int port = 0;
};

Task<void> close_at_once(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) {
  writer->close();
  co_return;
}

// The calls under test. Each closes what it made, which only happens when a case wrongly
// succeeds.
Task<void> connect(std::string host, int port, ConnectOptions options) {
  auto pair = co_await aiostreams::open_connection(std::move(host), port, std::move(options));
  pair.second->close();
}
Task<void> connect_sock(ConnectOptions options) {
  auto pair = co_await aiostreams::open_connection(std::move(options));
  pair.second->close();
}
Task<void> connect_unix(std::string path, ConnectOptions options) {
  auto pair = co_await aiostreams::open_unix_connection(std::move(path), std::move(options));
  pair.second->close();
}
Task<void> connect_unix_sock(ConnectOptions options) {
  auto pair = co_await aiostreams::open_unix_connection(std::move(options));
  pair.second->close();
}
Task<void> serve(std::string host, int port, ServerOptions options) {
  auto server = co_await aiostreams::start_server(close_at_once, std::move(host), port, std::move(options));
  server->close();
}
Task<void> serve_sock(ServerOptions options) {
  auto server = co_await aiostreams::start_server(close_at_once, std::move(options));
  server->close();
}
Task<void> serve_unix(std::string path, ServerOptions options) {
  auto server = co_await aiostreams::start_unix_server(close_at_once, std::move(path), std::move(options));
  server->close();
}
Task<void> serve_unix_sock(ServerOptions options) {
  auto server = co_await aiostreams::start_unix_server(close_at_once, std::move(options));
  server->close();
}

// The setup errors: a second server on a taken port or name, a connect nobody answers.
Task<void> serve_on_taken_port(Fixture& f) {
  ServerOptions no_reuse{.reuse_address = false};
  auto taken = co_await aiostreams::start_server(close_at_once, "127.0.0.1", 0, no_reuse);
  f.port = taken->sockets().at(0).port;
  try {
    co_await serve("127.0.0.1", f.port, no_reuse);
  } catch (...) {
    taken->close();
    throw;
  }
  taken->close();
}

Task<void> connect_to_closed_port(Fixture& f) {
  auto server = co_await aiostreams::start_server(close_at_once, "127.0.0.1", 0);
  f.port = server->sockets().at(0).port;
  co_await server->aclose();
  ConnectOptions plain;
  co_await connect("127.0.0.1", f.port, plain);
}

Task<void> serve_on_taken_abstract_name(Fixture& f) {
  auto held = co_await aiostreams::start_unix_server(close_at_once, f.abstract);
  ServerOptions plain;
  try {
    co_await serve_unix(f.abstract, plain);
  } catch (...) {
    held->close();
    throw;
  }
  held->close();
}

enum class Family { tcp, unix_socket };

struct BadCall {
  const char* name;  // as in tests/argument_checks_oracle.py
  Family family;
  std::function<Task<void>(Fixture&)> call;
  // "Type: message" with CPython's str(); OSErrors add the errno: "OSError(98): [Errno 98] ...".
  // {port}, {dgram}, {tcp} and {abstract} stand for the fixture's values.
  std::string expected;
};

const std::vector<BadCall>& bad_calls() {
  static const std::vector<BadCall> table = {
      // ---- TCP: open_connection / start_server ----
      {"open_connection with limit 0", Family::tcp, [](Fixture&) { return connect("127.0.0.1", 8888, {.limit = 0}); },
       "ValueError: Limit cannot be <= 0"},
      {"open_connection with limit -1 and server_hostname", Family::tcp,
       [](Fixture&) { return connect("127.0.0.1", 8888, {.limit = -1, .server_hostname = "x"}); },
       "ValueError: Limit cannot be <= 0"},
      // CPython builds a server's readers per connection, so it takes limit 0 until a client
      // comes; we refuse it at once, with StreamReader's message.
      {"start_server with limit 0", Family::tcp, [](Fixture&) { return serve("127.0.0.1", 0, {.limit = 0}); },
       "ValueError: Limit cannot be <= 0"},
      {"open_connection with server_hostname but no ssl", Family::tcp,
       [](Fixture&) { return connect("127.0.0.1", 8888, {.server_hostname = "x"}); },
       "ValueError: server_hostname is only meaningful with ssl"},
      {"open_connection with server_hostname and sock but no ssl", Family::tcp,
       [](Fixture& f) { return connect("127.0.0.1", 8888, {.server_hostname = "x", .sock = f.stream}); },
       "ValueError: server_hostname is only meaningful with ssl"},
      {"open_connection with ssl_handshake_timeout but no ssl", Family::tcp,
       [](Fixture&) { return connect("127.0.0.1", 8888, {.ssl_handshake_timeout = 5}); },
       "ValueError: ssl_handshake_timeout is only meaningful with ssl"},
      {"open_connection with ssl_shutdown_timeout but no ssl", Family::tcp,
       [](Fixture&) { return connect("127.0.0.1", 8888, {.ssl_shutdown_timeout = 5}); },
       "ValueError: ssl_shutdown_timeout is only meaningful with ssl"},
      {"start_server with ssl_handshake_timeout but no ssl", Family::tcp,
       [](Fixture&) { return serve("127.0.0.1", 0, {.ssl_handshake_timeout = 5}); },
       "ValueError: ssl_handshake_timeout is only meaningful with ssl"},
      {"start_server with ssl_shutdown_timeout but no ssl", Family::tcp,
       [](Fixture&) { return serve("127.0.0.1", 0, {.ssl_shutdown_timeout = 5}); },
       "ValueError: ssl_shutdown_timeout is only meaningful with ssl"},
      // CPython raises these from SSLProtocol once connected; we raise before connecting.
      {"open_connection with ssl and ssl_handshake_timeout 0", Family::tcp,
       [](Fixture& f) {
         return connect("127.0.0.1", 8888, {.ssl = f.client_ssl, .server_hostname = "x", .ssl_handshake_timeout = 0});
       },
       "ValueError: ssl_handshake_timeout should be a positive number, got 0"},
      {"open_connection with ssl and ssl_shutdown_timeout -1", Family::tcp,
       [](Fixture& f) {
         return connect("127.0.0.1", 8888, {.ssl = f.client_ssl, .server_hostname = "x", .ssl_shutdown_timeout = -1});
       },
       "ValueError: ssl_shutdown_timeout should be a positive number, got -1"},
      // CPython takes it until a client comes (the oracle's last line); we refuse it at once.
      {"start_server with ssl and ssl_handshake_timeout 0", Family::tcp,
       [](Fixture& f) { return serve("127.0.0.1", 0, {.ssl = f.server_ssl, .ssl_handshake_timeout = 0}); },
       "ValueError: ssl_handshake_timeout should be a positive number, got 0"},
      {"open_connection with ssl but neither host nor server_hostname", Family::tcp,
       [](Fixture& f) { return connect("", 8888, {.ssl = f.client_ssl}); },
       "ValueError: You must set server_hostname when using ssl without a host"},
      {"open_connection on a sock with ssl but no server_hostname", Family::tcp,
       [](Fixture& f) { return connect_sock({.ssl = f.client_ssl, .sock = f.stream}); },
       "ValueError: You must set server_hostname when using ssl without a host"},
      {"open_connection with host, port and sock", Family::tcp,
       [](Fixture& f) { return connect("127.0.0.1", 8888, {.sock = f.stream}); },
       "ValueError: host/port and sock can not be specified at the same time"},
      {"open_connection with a port and sock", Family::tcp,
       [](Fixture& f) { return connect("", 8888, {.sock = f.stream}); },
       "ValueError: host/port and sock can not be specified at the same time"},
      {"open_connection with neither host, port nor sock", Family::tcp, [](Fixture&) { return connect_sock({}); },
       "ValueError: host and port was not specified and no sock specified"},
      {"open_connection on a datagram sock", Family::tcp, [](Fixture& f) { return connect_sock({.sock = f.dgram}); },
       "ValueError: A Stream Socket was expected, got {dgram}"},
      {"start_server with host, port and sock", Family::tcp,
       [](Fixture& f) { return serve("127.0.0.1", 0, {.sock = f.stream}); },
       "ValueError: host/port and sock can not be specified at the same time"},
      {"start_server with neither host, port nor sock", Family::tcp, [](Fixture&) { return serve_sock({}); },
       "ValueError: Neither host/port nor sock were specified"},
      {"start_server on a datagram sock", Family::tcp, [](Fixture& f) { return serve_sock({.sock = f.dgram}); },
       "ValueError: A Stream Socket was expected, got {dgram}"},
      {"start_server on a port in use", Family::tcp, serve_on_taken_port,
       "OSError(98): [Errno 98] error while attempting to bind on address ('127.0.0.1', {port}): "
       "address already in use"},
      {"open_connection to a port nobody listens on", Family::tcp, connect_to_closed_port,
       "ConnectionRefusedError(111): [Errno 111] Connect call failed ('127.0.0.1', {port})"},

      // ---- Unix: open_unix_connection / start_unix_server ----
      {"open_unix_connection with limit 0", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.limit = 0}); }, "ValueError: Limit cannot be <= 0"},
      {"start_unix_server with limit 0", Family::unix_socket,
       [](Fixture& f) { return serve_unix(f.path, {.limit = 0}); }, "ValueError: Limit cannot be <= 0"},
      {"open_unix_connection with server_hostname but no ssl", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.server_hostname = "x"}); },
       "ValueError: server_hostname is only meaningful with ssl"},
      {"open_unix_connection with ssl_handshake_timeout but no ssl", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.ssl_handshake_timeout = 5}); },
       "ValueError: ssl_handshake_timeout is only meaningful with ssl"},
      {"open_unix_connection with ssl_shutdown_timeout but no ssl", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.ssl_shutdown_timeout = 5}); },
       "ValueError: ssl_shutdown_timeout is only meaningful with ssl"},
      {"start_unix_server with ssl_handshake_timeout but no ssl", Family::unix_socket,
       [](Fixture& f) { return serve_unix(f.path, {.ssl_handshake_timeout = 5}); },
       "ValueError: ssl_handshake_timeout is only meaningful with ssl"},
      {"start_unix_server with ssl_shutdown_timeout but no ssl", Family::unix_socket,
       [](Fixture& f) { return serve_unix(f.path, {.ssl_shutdown_timeout = 5}); },
       "ValueError: ssl_shutdown_timeout is only meaningful with ssl"},
      {"open_unix_connection with ssl but no server_hostname", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.ssl = f.client_ssl}); },
       "ValueError: you have to pass server_hostname when using ssl"},
      {"open_unix_connection with path and sock", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.path, {.sock = f.stream}); },
       "ValueError: path and sock can not be specified at the same time"},
      {"open_unix_connection with neither path nor sock", Family::unix_socket,
       [](Fixture&) { return connect_unix_sock({}); }, "ValueError: no path and sock were specified"},
      {"open_unix_connection on a TCP sock", Family::unix_socket,
       [](Fixture& f) { return connect_unix_sock({.sock = f.tcp}); },
       "ValueError: A UNIX Domain Stream Socket was expected, got {tcp}"},
      {"open_unix_connection on a datagram sock", Family::unix_socket,
       [](Fixture& f) { return connect_unix_sock({.sock = f.dgram}); },
       "ValueError: A UNIX Domain Stream Socket was expected, got {dgram}"},
      {"start_unix_server with path and sock", Family::unix_socket,
       [](Fixture& f) { return serve_unix(f.path, {.sock = f.stream}); },
       "ValueError: path and sock can not be specified at the same time"},
      {"start_unix_server with neither path nor sock", Family::unix_socket,
       [](Fixture&) { return serve_unix_sock({}); }, "ValueError: path was not specified, and no sock specified"},
      {"start_unix_server on a TCP sock", Family::unix_socket,
       [](Fixture& f) { return serve_unix_sock({.sock = f.tcp}); },
       "ValueError: A UNIX Domain Stream Socket was expected, got {tcp}"},
      {"start_unix_server on a datagram sock", Family::unix_socket,
       [](Fixture& f) { return serve_unix_sock({.sock = f.dgram}); },
       "ValueError: A UNIX Domain Stream Socket was expected, got {dgram}"},
      {"start_unix_server on an abstract name in use", Family::unix_socket, serve_on_taken_abstract_name,
       "OSError(98): [Errno 98] Address {abstract} is already in use"},
      // CPython raises FileNotFoundError, the OSError subclass we do not have.
      {"open_unix_connection to a path nobody listens on", Family::unix_socket,
       [](Fixture& f) { return connect_unix(f.missing, {}); }, "OSError(2): [Errno 2] No such file or directory"},
  };
  return table;
}

const BadCall& find_call(const std::string& name) {
  for (const BadCall& bad : bad_calls()) {
    if (bad.name == name) return bad;
  }
  FAIL("no case named " << name);
  throw std::logic_error("unreachable");
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string expand(const std::string& expected, const Fixture& f) {
  std::string text = replace_all(expected, "{port}", std::to_string(f.port));
  text = replace_all(text, "{dgram}", f.dgram.repr());
  text = replace_all(text, "{tcp}", f.tcp.repr());
  return replace_all(text, "{abstract}", aiostreams::detail::python_repr(f.abstract));
}

// "Type: message", naming the most specific class we have; OSErrors add their errno.
std::string describe(const std::exception_ptr& error) {
  const auto with_errno = [](const char* type, const aiostreams::OSError& e) {
    return std::string(type) + "(" + std::to_string(e.code().value()) + "): " + e.what();
  };
  try {
    std::rethrow_exception(error);
  } catch (const aiostreams::ConnectionRefusedError& e) {
    return with_errno("ConnectionRefusedError", e);
  } catch (const aiostreams::ConnectionError& e) {
    return with_errno("ConnectionError", e);
  } catch (const aiostreams::OSError& e) {
    return with_errno("OSError", e);
  } catch (const aiostreams::ValueError& e) {
    return std::string("ValueError: ") + e.what();
  } catch (const aiostreams::NotImplementedError& e) {
    return std::string("NotImplementedError: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("other exception: ") + e.what();
  } catch (...) {
    return "not an exception class";
  }
}

Task<std::string> outcome_of(const BadCall& bad, Fixture& f) {
  std::exception_ptr error;
  try {
    co_await bad.call(f);
  } catch (...) {
    error = std::current_exception();
  }
  co_return error ? describe(error) : std::string("no exception");
}

std::string run_on(const std::string& backend, const BadCall& bad, Fixture& f) {
  if (backend == "sim") {
    aiostreams::sim::SimLoop loop(1);
    return aiostreams::run(loop, outcome_of(bad, f));
  }
  aiostreams::AsioLoop loop;
  return aiostreams::run(loop, outcome_of(bad, f));
}

}  // namespace

TEST_CASE("every bad argument raises CPython's exception and message on the simulator and on Asio") {
  for (const BadCall& bad : bad_calls()) {
    const std::string real = bad.family == Family::tcp ? "asio-tcp" : "asio-unix";
    std::vector<std::string> outcomes;
    for (const std::string& backend : {std::string("sim"), real}) {
      Fixture f;
      const std::string outcome = run_on(backend, bad, f);
      INFO("case: " << bad.name << "; backend: " << backend);
      CHECK(outcome == expand(bad.expected, f));
      // A picked port is the one thing that may differ between backends.
      outcomes.push_back(f.port == 0 ? outcome : replace_all(outcome, std::to_string(f.port), "{port}"));
    }
    INFO("case: " << bad.name);
    CHECK(outcomes.at(0) == outcomes.at(1));
  }
}

TEST_CASE("a rejected sock stays the caller's on every backend") {
  for (const std::string backend : {"sim", "asio-tcp"}) {
    Fixture f;
    const int fd = f.stream.fileno();
    const BadCall& host_and_sock = find_call("open_connection with host, port and sock");
    const std::string outcome = run_on(backend, host_and_sock, f);
    INFO("backend: " << backend);
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    CHECK(f.stream.fileno() == fd);
    CHECK(f.stream.send("still mine") == 10);
    CHECK(f.peer.recv(100) == "still mine");
  }
}

TEST_CASE("a good sock passes the checks and the simulator then says it cannot adopt it") {
  Fixture f;
  const BadCall good{"open_connection on a stream sock", Family::tcp,
                     [](Fixture& fixture) { return connect_sock({.sock = fixture.stream}); }, ""};
  const std::string outcome = run_on("sim", good, f);
  CHECK(outcome.rfind("NotImplementedError: sock= is not simulated", 0) == 0);
}
