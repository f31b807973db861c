// The transport contract (CPython's _SelectorSocketTransport, as the streams layer relies on
// it), checked below the streams API with a recording protocol. Every case runs on the
// simulator, on Asio over TCP loopback and on Asio over Unix sockets: the contract is written
// once (detail::SelectorTransport), so a difference between backends is a bug.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/connection_options.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/transport.hpp"
#include "support/backends.hpp"

using aiostreams::Protocol;
using aiostreams::ProtocolFactory;
using aiostreams::Server;
using aiostreams::Task;
using aiostreams::Transport;

namespace {

/// Records every callback a transport makes.
struct Recorder final : Protocol {
  std::shared_ptr<Transport> transport;
  std::string received;
  int pauses = 0;
  int resumes = 0;
  std::size_t buffer_at_pause = 0;
  std::size_t buffer_at_resume = 0;
  bool eof = false;
  bool lost = false;
  std::exception_ptr lost_error;
  bool pause_reading_at_start = false;  // a peer that reads nothing until told

  void connection_made(std::shared_ptr<Transport> t) override {
    transport = std::move(t);
    if (pause_reading_at_start) transport->pause_reading();
  }
  void connection_lost(std::exception_ptr error) override {
    lost = true;
    lost_error = error;
  }
  void pause_writing() override {
    ++pauses;
    buffer_at_pause = transport->get_write_buffer_size();
  }
  void resume_writing() override {
    ++resumes;
    buffer_at_resume = transport->get_write_buffer_size();
  }
  void data_received(std::string data) override { received += data; }
  bool eof_received() override {
    eof = true;
    return true;  // keep the connection open for writing, as a half-closing peer would
  }
};

/// One backend of the matrix: a loop, a way to listen and a way to connect.
class ContractBackend {
 public:
  virtual ~ContractBackend() = default;
  virtual aiostreams::Loop& loop() = 0;
  virtual Task<std::shared_ptr<Server>> listen(ProtocolFactory factory) = 0;
  virtual Task<std::shared_ptr<Transport>> connect(ProtocolFactory factory) = 0;
};

class SimContract final : public ContractBackend {
 public:
  aiostreams::Loop& loop() override { return loop_; }
  Task<std::shared_ptr<Server>> listen(ProtocolFactory factory) override {
    const aiostreams::ServerOptions options;  // lives in this frame: the lazy task keeps a reference
    auto start = loop_.create_server(std::move(factory), "0.0.0.0", 8888, options);
    co_return co_await aiostreams::sim::spawn_on(loop_, "server", std::move(start));
  }
  Task<std::shared_ptr<Transport>> connect(ProtocolFactory factory) override {
    const aiostreams::ConnectOptions options;
    auto open = loop_.create_connection(std::move(factory), "server", 8888, options);
    co_return co_await aiostreams::sim::spawn_on(loop_, "client", std::move(open));
  }

 private:
  aiostreams::sim::SimLoop loop_{7};
};

class AsioTcpContract final : public ContractBackend {
 public:
  aiostreams::Loop& loop() override { return loop_; }
  Task<std::shared_ptr<Server>> listen(ProtocolFactory factory) override {
    auto server = co_await loop_.create_server(std::move(factory), "127.0.0.1", 0, {});
    port_ = server->sockets().front().port;
    co_return server;
  }
  Task<std::shared_ptr<Transport>> connect(ProtocolFactory factory) override {
    co_return co_await loop_.create_connection(std::move(factory), "127.0.0.1", port_, {});
  }

 private:
  aiostreams::AsioLoop loop_;
  int port_ = 0;
};

class AsioUnixContract final : public ContractBackend {
 public:
  AsioUnixContract() {
    static std::atomic<int> counter{0};
    path_ = "/tmp/aiostreams-contract-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sock";
  }
  ~AsioUnixContract() override { ::unlink(path_.c_str()); }
  aiostreams::Loop& loop() override { return loop_; }
  Task<std::shared_ptr<Server>> listen(ProtocolFactory factory) override {
    co_return co_await loop_.create_unix_server(std::move(factory), path_, {});
  }
  Task<std::shared_ptr<Transport>> connect(ProtocolFactory factory) override {
    co_return co_await loop_.create_unix_connection(std::move(factory), path_, {});
  }

 private:
  aiostreams::AsioLoop loop_;
  std::string path_;
};

std::unique_ptr<ContractBackend> make_contract_backend(const std::string& name) {
  if (name == "sim") return std::make_unique<SimContract>();
  if (name == "asio-tcp") return std::make_unique<AsioTcpContract>();
  if (name == "asio-unix") return std::make_unique<AsioUnixContract>();
  throw std::invalid_argument("no contract backend named '" + name + "'");
}

/// Waits (loop time: virtual on the simulator) until `done()`; fails the test after 10 s.
/// (A template, not a std::function: a lambda converted to a std::function inside a co_await
/// expression is destroyed twice by GCC 12; see README "Compilers".)
template <class Done>
Task<void> wait_until(Done done) {
  for (int i = 0; i < 10000 && !done(); ++i) co_await aiostreams::sleep(0.001);
  REQUIRE(done());
}

/// A client connected to a server whose only connection is recorded by `peer`.
struct Connection {
  std::shared_ptr<Server> server;
  std::shared_ptr<Recorder> client = std::make_shared<Recorder>();
  std::shared_ptr<Recorder> peer = std::make_shared<Recorder>();
  std::shared_ptr<Transport> transport;  // the client's

  Task<void> open(ContractBackend& backend) {
    // Named factories: GCC 12 destroys a std::function converted from a lambda inside a
    // co_await expression twice, releasing the captured protocol once too often (README,
    // "Compilers").
    ProtocolFactory peer_factory = [peer_protocol = peer] { return peer_protocol; };
    server = co_await backend.listen(std::move(peer_factory));
    ProtocolFactory client_factory = [client_protocol = client] { return client_protocol; };
    transport = co_await backend.connect(std::move(client_factory));
    co_await wait_until([this] { return peer->transport != nullptr; });
  }
  Task<void> close() {
    if (!transport->is_closing()) transport->close();
    if (peer->transport && !peer->transport->is_closing()) peer->transport->close();
    co_await wait_until([this] { return client->lost; });
    server->close();
    co_await server->wait_closed();
  }
};

/// Writes 256 KiB pieces until the protocol was paused (at most 64 MiB); returns the bytes.
std::size_t write_until_paused(Transport& transport, const Recorder& protocol) {
  const std::string piece(256 * 1024, 'x');
  std::size_t written = 0;
  while (protocol.pauses == 0 && written < (64u << 20)) {
    transport.write(piece);
    written += piece.size();
  }
  return written;
}

std::string what_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

#define FOR_EVERY_BACKEND()                                                       \
  const std::string backend_name = GENERATE(aiostreams::testing::each_backend()); \
  INFO("backend " << backend_name);                                               \
  auto backend = make_contract_backend(backend_name)

}  // namespace

TEST_CASE("the write buffer limits default to 16 KiB low and 64 KiB high, and are checked as asyncio checks them") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    CHECK(t.get_write_buffer_limits() == std::pair<std::size_t, std::size_t>{16384, 65536});
    t.set_write_buffer_limits(100);
    CHECK(t.get_write_buffer_limits() == std::pair<std::size_t, std::size_t>{25, 100});
    t.set_write_buffer_limits(std::nullopt, 10);
    CHECK(t.get_write_buffer_limits() == std::pair<std::size_t, std::size_t>{10, 40});
    CHECK_THROWS_AS(t.set_write_buffer_limits(10, 20), aiostreams::ValueError);
    CHECK(what_of([&] { t.set_write_buffer_limits(10, 20); }) == "high (10) must be >= low (20) must be >= 0");
    CHECK(t.get_write_buffer_limits() == std::pair<std::size_t, std::size_t>{10, 40});  // unchanged
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE(
    "a buffer above the high-water mark pauses the protocol once, and draining to the low-water mark resumes it once") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    c.peer->pause_reading_at_start = true;  // nothing is read: the client's buffer fills
    co_await c.open(*backend);
    Transport& t = *c.transport;
    const std::size_t written = write_until_paused(t, *c.client);
    REQUIRE(c.client->pauses == 1);  // pause_writing() comes from inside write()
    CHECK(c.client->buffer_at_pause > t.get_write_buffer_limits().second);
    t.write("more while paused");  // no second pause_writing()
    CHECK(c.client->pauses == 1);
    CHECK(c.client->resumes == 0);
    c.peer->transport->resume_reading();
    co_await wait_until([&] { return c.client->resumes == 1; });
    CHECK(c.client->buffer_at_resume <= t.get_write_buffer_limits().first);
    co_await wait_until([&] { return c.peer->received.size() == written + 17; });
    CHECK(t.get_write_buffer_size() == 0);
    CHECK(c.client->pauses == 1);
    CHECK(c.client->resumes == 1);
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("the protocol is paused only above the high-water mark and resumed only at or below the low-water mark") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    c.peer->pause_reading_at_start = true;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    t.set_write_buffer_limits(1u << 30);  // no pause while the kernel and the buffer fill
    const std::string piece(256 * 1024, 'z');
    std::size_t written = 0;
    while (t.get_write_buffer_size() < (16u << 20)) {
      t.write(piece);
      written += piece.size();
    }
    // The kernel is full: from now on every byte stays in the buffer, so sizes are exact.
    const std::size_t buffered = t.get_write_buffer_size();
    t.set_write_buffer_limits(buffered + 100, buffered / 4);
    t.write(std::string(100, 'z'));  // exactly at the high-water mark: not above it
    CHECK(c.client->pauses == 0);
    t.write("z");
    CHECK(c.client->pauses == 1);
    CHECK(c.client->buffer_at_pause == buffered + 101);
    // Draining goes in steps far smaller than high - low: resuming must wait for low.
    c.peer->transport->resume_reading();
    co_await wait_until([&] { return c.client->resumes == 1; });
    CHECK(c.client->buffer_at_resume <= buffered / 4);
    co_await wait_until([&] { return c.peer->received.size() == written + 101; });
    CHECK(c.client->pauses == 1);
    CHECK(c.client->resumes == 1);
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("setting a high-water mark below the buffered size pauses the protocol at once") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    c.peer->pause_reading_at_start = true;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    t.set_write_buffer_limits(1u << 30);  // too high to pause on its own
    write_until_paused(t, *c.client);     // stops at 64 MiB: more than any kernel holds
    REQUIRE(c.client->pauses == 0);
    REQUIRE(t.get_write_buffer_size() > 0);
    t.set_write_buffer_limits(1);
    CHECK(c.client->pauses == 1);
    t.abort();
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("writelines sends exactly what a write of the joined buffers sends") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    const std::vector<std::string_view> parts{"ab", "", "cd", "\n"};
    c.transport->writelines(parts);
    c.transport->writelines(std::vector<std::string_view>{});  // nothing at all
    c.transport->write("abcd\n");
    co_await wait_until([&] { return c.peer->received.size() == 10; });
    CHECK(c.peer->received == "abcd\nabcd\n");
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("write and writelines after write_eof raise RuntimeError with asyncio's messages") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    CHECK(t.can_write_eof());
    t.write("last");
    t.write_eof();
    t.write_eof();  // a second one does nothing
    CHECK_THROWS_AS(t.write("x"), aiostreams::RuntimeError);
    CHECK(what_of([&] { t.write("x"); }) == "Cannot call write() after write_eof()");
    CHECK(what_of([&] { t.write(""); }) == "Cannot call write() after write_eof()");
    const std::vector<std::string_view> parts{"a", "b"};
    CHECK(what_of([&] { t.writelines(parts); }) == "Cannot call writelines() after write_eof()");
    co_await wait_until([&] { return c.peer->eof; });
    CHECK(c.peer->received == "last");
    CHECK_FALSE(t.is_closing());  // half-closed only
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("close flushes the buffer, then calls connection_lost with no error") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    CHECK_FALSE(t.is_closing());
    const std::string big(32u << 20, 'y');  // more than any kernel takes at once
    t.write(big);
    CHECK(t.get_write_buffer_size() > 0);
    t.close();
    CHECK(t.is_closing());
    t.close();                    // idempotent
    CHECK_FALSE(c.client->lost);  // never inline
    co_await wait_until([&] { return c.client->lost; });
    CHECK(c.client->lost_error == nullptr);
    co_await wait_until([&] { return c.peer->eof; });
    CHECK(c.peer->received.size() == big.size());
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("abort drops the buffer and calls connection_lost with no error") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    c.peer->pause_reading_at_start = true;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    const std::size_t written = write_until_paused(t, *c.client);
    REQUIRE(t.get_write_buffer_size() > 0);
    t.abort();
    CHECK(t.is_closing());
    CHECK(t.get_write_buffer_size() == 0);
    CHECK_FALSE(c.client->lost);
    co_await wait_until([&] { return c.client->lost; });
    CHECK(c.client->lost_error == nullptr);
    c.peer->transport->resume_reading();
    co_await wait_until([&] { return c.peer->eof || c.peer->lost; });
    CHECK(c.peer->received.size() < written);
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("from the 5th write to a lost connection on, every write reports socket.send() raised exception") {
  std::vector<std::string> messages;  // outlives the loop, whose handler appends to it
  FOR_EVERY_BACKEND();
  backend->loop().set_exception_handler(
      [&](const aiostreams::ExceptionContext& context) { messages.push_back(context.message); });
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    t.abort();
    co_await wait_until([&] { return c.client->lost; });
    for (int i = 0; i < 4; ++i) t.write("dropped");
    CHECK(messages.empty());
    t.write("");  // empty writes are not counted
    CHECK(messages.empty());
    t.write("dropped");  // the 5th
    CHECK(messages == std::vector<std::string>{"socket.send() raised exception."});
    const std::vector<std::string_view> parts{"a", "b"};
    t.writelines(parts);  // counts as one write
    CHECK(messages.size() == 2);
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}

TEST_CASE("pausing and resuming reading does nothing on a closing transport") {
  FOR_EVERY_BACKEND();
  auto main = [&]() -> Task<void> {
    Connection c;
    co_await c.open(*backend);
    Transport& t = *c.transport;
    CHECK(t.is_reading());
    t.pause_reading();
    t.pause_reading();  // already paused: nothing
    CHECK_FALSE(t.is_reading());
    t.resume_reading();
    t.resume_reading();
    CHECK(t.is_reading());
    t.close();
    CHECK_FALSE(t.is_reading());
    t.pause_reading();
    t.resume_reading();
    CHECK_FALSE(t.is_reading());
    co_await c.close();
  };
  aiostreams::run(backend->loop(), main());
}
