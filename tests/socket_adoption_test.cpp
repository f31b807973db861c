// asyncio's sock=: Socket (socketpair, adopt, close, detach, send, recv), and open_connection,
// open_unix_connection, start_server and start_unix_server on a socket made elsewhere, on the
// AsioLoop (the simulator has no descriptors and says so).
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <any>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/socket.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"
#include "support/bounded_run.hpp"
#include "support/echo_handlers.hpp"
#include "support/test_certificates.hpp"

using aiostreams::AsioLoop;
using aiostreams::ConnectOptions;
using aiostreams::Server;
using aiostreams::ServerOptions;
using aiostreams::Socket;
using aiostreams::StreamPair;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::testing::echo_lines;
using aiostreams::testing::run_bounded;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

// What awaiting the expression raised, as "ValueError: <what>", "NotImplementedError: ...",
// "OSError: ..." or "no exception". (A macro: Catch's macros must not contain co_await.)
#define AWAIT_OUTCOME(out, ...)                              \
  do {                                                       \
    out = "no exception";                                    \
    try {                                                    \
      (void)(co_await __VA_ARGS__);                          \
    } catch (const aiostreams::ValueError& e) {              \
      out = std::string("ValueError: ") + e.what();          \
    } catch (const aiostreams::NotImplementedError& e) {     \
      out = std::string("NotImplementedError: ") + e.what(); \
    } catch (const aiostreams::OSError& e) {                 \
      out = std::string("OSError: ") + e.what();             \
    } catch (const std::exception& e) {                      \
      out = std::string("other: ") + e.what();               \
    }                                                        \
  } while (0)

namespace {

bool fd_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

Socket new_socket(int family, int type) {
  const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  return Socket::adopt(fd);
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A TCP socket bound to 127.0.0.1:0, not listening.
Socket bound_tcp_socket() {
  Socket sock = new_socket(AF_INET, SOCK_STREAM);
  const sockaddr_in address = loopback(0);
  REQUIRE(::bind(sock.fileno(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  return sock;
}

int bound_port(const Socket& sock) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(sock.fileno(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
  return ntohs(address.sin_port);
}

// A blocking connect to 127.0.0.1:port: 0, or the errno.
int raw_connect(const Socket& sock, int port) {
  const sockaddr_in address = loopback(port);
  return ::connect(sock.fileno(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
}

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

Socket bound_unix_socket(const std::string& path) {
  Socket sock = new_socket(AF_UNIX, SOCK_STREAM);
  const sockaddr_un address = unix_address(path);
  REQUIRE(::bind(sock.fileno(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  return sock;
}

// A fresh temporary directory, removed with the object.
struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aiostreams-sock-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const char* name) const { return (path / name).string(); }
  std::filesystem::path path;
};

// The overloads without host/port/path must not make the existing calls ambiguous (an
// ambiguous call here fails the build).
static_assert(std::is_same_v<decltype(aiostreams::open_unix_connection("p")), Task<StreamPair>>);
static_assert(
    std::is_same_v<decltype(aiostreams::open_unix_connection(std::string("p"), ConnectOptions{})), Task<StreamPair>>);
static_assert(std::is_same_v<decltype(aiostreams::open_unix_connection(ConnectOptions{})), Task<StreamPair>>);
static_assert(std::is_same_v<decltype(aiostreams::open_connection("h", 1)), Task<StreamPair>>);
static_assert(std::is_same_v<decltype(aiostreams::open_connection(ConnectOptions{})), Task<StreamPair>>);
static_assert(std::is_same_v<decltype(aiostreams::start_unix_server(echo_lines, "p")), Task<std::shared_ptr<Server>>>);
static_assert(std::is_same_v<decltype(aiostreams::start_unix_server(echo_lines, ServerOptions{})),
                             Task<std::shared_ptr<Server>>>);
static_assert(std::is_same_v<decltype(aiostreams::start_server(echo_lines, "h", 1)), Task<std::shared_ptr<Server>>>);
static_assert(
    std::is_same_v<decltype(aiostreams::start_server(echo_lines, ServerOptions{})), Task<std::shared_ptr<Server>>>);

// Sends one line, returns the line that comes back, closes.
Task<std::string> echo_once(const StreamPair& pair, std::string text) {
  const auto& [reader, writer] = pair;
  writer->write(text + "\n");
  co_await writer->drain();
  std::string line = co_await reader->readline();
  writer->close();
  co_await writer->wait_closed();
  co_return line;
}

std::string os_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const aiostreams::OSError& e) {
    return "errno " + std::to_string(e.code().value()) + ": " + e.what();
  }
  return "no OSError";
}

}  // namespace

// ---- Socket -------------------------------------------------------------------------------

TEST_CASE("socketpair gives two connected Unix stream sockets that send and recv", "[socket]") {
  auto [a, b] = aiostreams::socketpair();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a.fileno() != b.fileno());
  CHECK(a.family() == AF_UNIX);
  CHECK(a.type() == SOCK_STREAM);
  CHECK((::fcntl(a.fileno(), F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(a.send("ping") == 4);
  CHECK(b.recv(100) == "ping");
  b.close();
  CHECK(a.recv(100).empty());  // EOF
  CHECK(a.repr() == "<socket.socket fd=" + std::to_string(a.fileno()) + ", family=1, type=1, proto=0>");
  CHECK(b.repr() == "<socket.socket [closed] fd=-1>");
}

TEST_CASE("Socket copies share one descriptor, closed when the last copy goes", "[socket]") {
  auto [a, b] = aiostreams::socketpair();
  const int fd = a.fileno();
  {
    Socket copy = a;
    CHECK(copy.fileno() == fd);
    a = Socket();
    CHECK(fd_open(fd));  // a copy still holds it
  }
  CHECK_FALSE(fd_open(fd));

  Socket c = b;
  const int fd_b = b.fileno();
  c.close();
  CHECK(b.fileno() == -1);
  CHECK_FALSE(b);
  CHECK_FALSE(fd_open(fd_b));
  c.close();  // idempotent
}

TEST_CASE("Socket::detach gives the descriptor up without closing it, for every copy", "[socket]") {
  auto [a, b] = aiostreams::socketpair();
  Socket copy = a;
  const int fd = copy.detach();
  CHECK(fd >= 0);
  CHECK(a.fileno() == -1);
  CHECK(copy.fileno() == -1);
  CHECK(a.detach() == -1);
  a = Socket();
  copy = Socket();
  CHECK(fd_open(fd));  // no copy closed it
  Socket again = Socket::adopt(fd);
  CHECK(again.send("x") == 1);
  CHECK(b.recv(1) == "x");
  CHECK(Socket().detach() == -1);
}

TEST_CASE("Socket errors name the problem", "[socket]") {
  CHECK_THROWS_WITH(Socket::adopt(-1), "negative file descriptor: -1");
  CHECK_THROWS_AS(Socket::adopt(-3), aiostreams::ValueError);

  auto pair = aiostreams::socketpair();  // named members: lambdas below capture them
  Socket& a = pair.first;
  Socket& b = pair.second;
  a.close();
  CHECK(os_error_of([&] { a.send("x"); }) == "errno 9: [Errno 9] Bad file descriptor");
  CHECK(os_error_of([&] { a.recv(1); }) == "errno 9: [Errno 9] Bad file descriptor");
  CHECK(os_error_of([&] { (void)a.type(); }) == "errno 9: [Errno 9] Bad file descriptor");
  CHECK_THROWS_AS(b.send("x"), aiostreams::BrokenPipeError);  // the peer is gone
  CHECK(os_error_of([&] { b.send("x"); }) == "errno 32: [Errno 32] Broken pipe");

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  Socket not_a_socket = Socket::adopt(pipe_fds[0]);
  ::close(pipe_fds[1]);
  CHECK(os_error_of([&] { (void)not_a_socket.family(); }) == "errno 88: [Errno 88] Socket operation on non-socket");
  CHECK(not_a_socket.repr() == "<socket.socket fd=" + std::to_string(pipe_fds[0]) + ">");

  CHECK(os_error_of([] { (void)aiostreams::socketpair(AF_INET); }) == "errno 95: [Errno 95] Operation not supported");
}

// ---- clients ------------------------------------------------------------------------------

TEST_CASE("open_connection with sock= streams both ways over a socketpair", "[socket][asio]") {
  AsioLoop loop;
  run_bounded(loop, [&]() -> Task<void> {
    auto [rsock, wsock] = aiostreams::socketpair();
    const int fd = rsock.fileno();
    const Socket kept = rsock;  // another copy: adoption empties it too
    ConnectOptions options{.sock = rsock};
    auto [reader, writer] = co_await aiostreams::open_connection(options);
    CHECK(rsock.fileno() == -1);
    CHECK(kept.fileno() == -1);
    CHECK(options.sock.fileno() == -1);
    CHECK(std::any_cast<int>(writer->get_extra_info("socket")) == fd);

    wsock.send("from the peer\n");
    std::string line = co_await reader->readline();
    CHECK(line == "from the peer\n");

    writer->write("to the peer");
    co_await writer->drain();
    CHECK(wsock.recv(100) == "to the peer");

    writer->close();
    co_await writer->wait_closed();
    CHECK_FALSE(fd_open(fd));
    CHECK(wsock.recv(100).empty());  // the transport closed its end
    wsock.close();
  });
}

TEST_CASE("open_unix_connection with sock= streams over a socketpair", "[socket][asio]") {
  AsioLoop loop;
  run_bounded(loop, [&]() -> Task<void> {
    auto [rsock, wsock] = aiostreams::socketpair();
    ConnectOptions options{.sock = rsock};
    auto [reader, writer] = co_await aiostreams::open_unix_connection(options);
    CHECK_FALSE(rsock);
    writer->write("hello\n");
    co_await writer->drain();
    CHECK(wsock.recv(100) == "hello\n");
    wsock.send("bye");
    wsock.close();
    std::string rest = co_await reader->read(-1);
    CHECK(rest == "bye");
    writer->close();
    co_await writer->wait_closed();
  });
}

TEST_CASE("open_connection adopts a connected TCP socket and sets TCP_NODELAY on it", "[socket][asio]") {
  AsioLoop loop;
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);
    Socket sock = new_socket(AF_INET, SOCK_STREAM);
    REQUIRE(raw_connect(sock, server->sockets().at(0).port) == 0);
    int nodelay = 1;
    socklen_t length = sizeof nodelay;
    REQUIRE(::getsockopt(sock.fileno(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &length) == 0);
    CHECK(nodelay == 0);
    const int fd = sock.fileno();
    ConnectOptions options{.sock = sock};
    auto pair = co_await aiostreams::open_connection(options);
    REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &length) == 0);
    CHECK(nodelay == 1);
    CHECK((::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    const auto peer = std::any_cast<aiostreams::SocketAddress>(pair.second->get_extra_info("peername"));
    CHECK(peer.port == server->sockets().at(0).port);
    std::string line = co_await echo_once(pair, "over an adopted TCP socket");
    CHECK(line == "over an adopted TCP socket\n");
    co_await server->aclose();
  });
}

// ---- servers ------------------------------------------------------------------------------

TEST_CASE("start_server with sock= serves on a pre-bound TCP socket, listening only once serving starts",
          "[socket][asio]") {
  AsioLoop loop;
  run_bounded(loop, [&]() -> Task<void> {
    Socket bound = bound_tcp_socket();
    const int port = bound_port(bound);
    ServerOptions options{.start_serving = false, .sock = bound};
    auto server = co_await aiostreams::start_server(echo_lines, options);
    CHECK_FALSE(bound);
    CHECK_FALSE(server->is_serving());
    REQUIRE(server->sockets().size() == 1);
    CHECK(server->sockets()[0].host == "127.0.0.1");
    CHECK(server->sockets()[0].port == port);
    {
      Socket probe = new_socket(AF_INET, SOCK_STREAM);
      CHECK(raw_connect(probe, port) == ECONNREFUSED);  // bound, not listening
    }
    co_await server->start_serving();
    CHECK(server->is_serving());
    auto pair = co_await aiostreams::open_connection("127.0.0.1", port);
    std::string line = co_await echo_once(pair, "served on an adopted socket");
    CHECK(line == "served on an adopted socket\n");
    co_await server->aclose();
    CHECK(server->sockets().empty());
    Socket after = new_socket(AF_INET, SOCK_STREAM);
    CHECK(raw_connect(after, port) == ECONNREFUSED);  // closed with the server
  });
}

TEST_CASE("start_unix_server with sock= serves on a pre-bound path and removes it on close", "[socket][asio]") {
  AsioLoop loop;
  TempDir dir;
  const std::string path = dir.file("bound.sock");
  run_bounded(loop, [&]() -> Task<void> {
    ServerOptions options{.sock = bound_unix_socket(path)};
    auto server = co_await aiostreams::start_unix_server(echo_lines, options);
    CHECK(server->is_serving());
    REQUIRE(server->sockets().size() == 1);
    CHECK(server->sockets()[0].path == path);
    auto pair = co_await aiostreams::open_unix_connection(path);
    std::string line = co_await echo_once(pair, "unix, adopted");
    CHECK(line == "unix, adopted\n");
    CHECK(std::filesystem::exists(path));
    co_await server->aclose();
    CHECK_FALSE(std::filesystem::exists(path));  // cleanup_socket, as CPython 3.13
  });
}

TEST_CASE("a Unix server on an adopted socket leaves the path without cleanup_socket or when replaced",
          "[socket][asio]") {
  AsioLoop loop;
  TempDir dir;
  const std::string kept = dir.file("kept.sock");
  const std::string replaced = dir.file("replaced.sock");
  run_bounded(loop, [&]() -> Task<void> {
    ServerOptions no_cleanup{.cleanup_socket = false, .sock = bound_unix_socket(kept)};
    auto first = co_await aiostreams::start_unix_server(echo_lines, no_cleanup);
    co_await first->aclose();
    CHECK(std::filesystem::exists(kept));

    ServerOptions cleanup{.sock = bound_unix_socket(replaced)};
    auto second = co_await aiostreams::start_unix_server(echo_lines, cleanup);
    // Someone else's file now sits at the path: its inode differs, so it stays.
    std::filesystem::remove(replaced);
    std::ofstream(replaced) << "not ours\n";
    co_await second->aclose();
    CHECK(std::filesystem::exists(replaced));
  });
}

// ---- checks before adoption ---------------------------------------------------------------

TEST_CASE("sock= with host, port or path, without a sock, or of the wrong kind raises asyncio's ValueError",
          "[socket][asio]") {
  AsioLoop loop;
  TempDir dir;
  const std::string path = dir.file("unused.sock");
  run_bounded(loop, [&]() -> Task<void> {
    auto [stream, peer] = aiostreams::socketpair();
    Socket dgram = new_socket(AF_UNIX, SOCK_DGRAM);
    Socket tcp = new_socket(AF_INET, SOCK_STREAM);
    const int stream_fd = stream.fileno();
    // Python 3.11's reprs of such sockets (proto is SO_PROTOCOL, as for socket.socket(fileno=fd)).
    const std::string dgram_repr =
        "<socket.socket fd=" + std::to_string(dgram.fileno()) + ", family=1, type=2, proto=0>";
    const std::string tcp_repr =
        "<socket.socket fd=" + std::to_string(tcp.fileno()) + ", family=2, type=1, proto=6, laddr=('0.0.0.0', 0)>";
    std::string outcome;

    ConnectOptions with_stream{.sock = stream};
    ConnectOptions with_dgram{.sock = dgram};
    ConnectOptions with_tcp{.sock = tcp};
    ConnectOptions no_sock;
    AWAIT_OUTCOME(outcome, aiostreams::open_connection("127.0.0.1", 8888, with_stream));
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::open_connection("", 8888, with_stream));
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::open_connection("localhost", 0, with_stream));
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::open_connection(no_sock));
    CHECK(outcome == "ValueError: host and port was not specified and no sock specified");
    AWAIT_OUTCOME(outcome, aiostreams::open_connection(with_dgram));
    CHECK(outcome == "ValueError: A Stream Socket was expected, got " + dgram_repr);

    AWAIT_OUTCOME(outcome, aiostreams::open_unix_connection(path, with_stream));
    CHECK(outcome == "ValueError: path and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::open_unix_connection(no_sock));
    CHECK(outcome == "ValueError: no path and sock were specified");
    AWAIT_OUTCOME(outcome, aiostreams::open_unix_connection(with_dgram));
    CHECK(outcome == "ValueError: A UNIX Domain Stream Socket was expected, got " + dgram_repr);
    AWAIT_OUTCOME(outcome, aiostreams::open_unix_connection(with_tcp));
    CHECK(outcome == "ValueError: A UNIX Domain Stream Socket was expected, got " + tcp_repr);

    ServerOptions serve_stream{.sock = stream};
    ServerOptions serve_dgram{.sock = dgram};
    ServerOptions serve_tcp{.sock = tcp};
    ServerOptions serve_nothing;
    AWAIT_OUTCOME(outcome, aiostreams::start_server(echo_lines, "127.0.0.1", 0, serve_stream));
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::start_server(echo_lines, "", 8888, serve_stream));
    CHECK(outcome == "ValueError: host/port and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::start_server(echo_lines, serve_nothing));
    CHECK(outcome == "ValueError: Neither host/port nor sock were specified");
    AWAIT_OUTCOME(outcome, aiostreams::start_server(echo_lines, serve_dgram));
    CHECK(outcome == "ValueError: A Stream Socket was expected, got " + dgram_repr);

    AWAIT_OUTCOME(outcome, aiostreams::start_unix_server(echo_lines, path, serve_stream));
    CHECK(outcome == "ValueError: path and sock can not be specified at the same time");
    AWAIT_OUTCOME(outcome, aiostreams::start_unix_server(echo_lines, serve_nothing));
    CHECK(outcome == "ValueError: path was not specified, and no sock specified");
    AWAIT_OUTCOME(outcome, aiostreams::start_unix_server(echo_lines, serve_dgram));
    CHECK(outcome == "ValueError: A UNIX Domain Stream Socket was expected, got " + dgram_repr);
    AWAIT_OUTCOME(outcome, aiostreams::start_unix_server(echo_lines, serve_tcp));
    CHECK(outcome == "ValueError: A UNIX Domain Stream Socket was expected, got " + tcp_repr);
    CHECK_FALSE(std::filesystem::exists(path));

    auto context = aiostreams::testing::client_context(aiostreams::testing::certificates().ca);
    ConnectOptions tls_without_name{.ssl = context, .sock = stream};
    AWAIT_OUTCOME(outcome, aiostreams::open_connection(tls_without_name));
    CHECK(outcome == "ValueError: You must set server_hostname when using ssl without a host");

    // Rejected sockets stay the caller's: same descriptor, still open, still connected.
    CHECK(stream.fileno() == stream_fd);
    CHECK(dgram);
    CHECK(tcp);
    CHECK(stream.send("still mine") == 10);
    CHECK(peer.recv(100) == "still mine");
  });
}

// ---- TLS ----------------------------------------------------------------------------------

TEST_CASE("TLS runs over adopted sockets on both the server and the client side", "[socket][asio][tls]") {
  AsioLoop loop;
  auto server_ctx = aiostreams::testing::server_context();
  auto client_ctx = aiostreams::testing::client_context(aiostreams::testing::certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    Socket listening = bound_tcp_socket();
    const int port = bound_port(listening);
    ServerOptions server_options{.ssl = server_ctx, .sock = listening};
    auto server = co_await aiostreams::start_server(echo_lines, server_options);

    Socket connected = new_socket(AF_INET, SOCK_STREAM);
    REQUIRE(raw_connect(connected, port) == 0);
    const int fd = connected.fileno();
    ConnectOptions options{.ssl = client_ctx, .server_hostname = "localhost", .sock = connected};
    auto pair = co_await aiostreams::open_connection(options);
    CHECK_FALSE(connected);
    CHECK(std::any_cast<int>(pair.second->get_extra_info("socket")) == fd);
    CHECK(pair.second->get_extra_info("sslcontext").has_value());
    CHECK(pair.second->get_extra_info("peercert").has_value());
    std::string line = co_await echo_once(pair, "tls over sock=");
    CHECK(line == "tls over sock=\n");
    co_await server->aclose();
  });
}

// ---- the simulator ------------------------------------------------------------------------

TEST_CASE("the simulator rejects sock= with NotImplementedError naming the Asio loop", "[socket][sim]") {
  aiostreams::sim::SimLoop loop(1);
  auto pair = aiostreams::socketpair();
  Socket& rsock = pair.first;
  const int fd = rsock.fileno();
  auto attempts = [&]() -> Task<std::vector<std::string>> {
    std::vector<std::string> seen(4);
    ConnectOptions connect{.sock = rsock};
    ServerOptions serve{.sock = rsock};
    AWAIT_OUTCOME(seen[0], aiostreams::open_connection(connect));
    AWAIT_OUTCOME(seen[1], aiostreams::open_unix_connection(connect));
    AWAIT_OUTCOME(seen[2], aiostreams::start_server(echo_lines, serve));
    AWAIT_OUTCOME(seen[3], aiostreams::start_unix_server(echo_lines, serve));
    co_return seen;
  };
  auto outcomes = aiostreams::run(loop, attempts());
  const std::string expected = "NotImplementedError: sock= is not simulated: adopting an OS socket (" + rsock.repr() +
                               ") needs the Asio loop (AsioLoop)";
  for (const auto& outcome : outcomes) CHECK(outcome == expected);
  CHECK(rsock.fileno() == fd);  // not taken
}
