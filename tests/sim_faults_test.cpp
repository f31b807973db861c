#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/recorder.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::Task;
using aiostreams::Transport;
using aiostreams::sim::FaultConfig;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using aiostreams::sim::testing::RecorderFactory;

namespace {
struct Pair {
  std::shared_ptr<aiostreams::Server> server;
  std::shared_ptr<Transport> client;
};

Task<Pair> connect_pair(SimLoop& loop, const RecorderFactory& server_side, const RecorderFactory& client_side) {
  const auto server_factory = server_side.factory();
  const auto client_factory = client_side.factory();
  auto server = co_await spawn_on(loop, "server", loop.create_server(server_factory, "", 8888, ServerOptions{}));
  auto client =
      co_await spawn_on(loop, "client-1", loop.create_connection(client_factory, "server", 8888, ConnectOptions{}));
  co_return Pair{server, client};
}
}  // namespace

TEST_CASE("a reset fault gives both ends ConnectionResetError") {
  SimLoop loop(21);
  FaultConfig faults;
  faults.reset = 1.0;
  faults.fault_window = 0.5;
  loop.network().set_faults(faults);
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    auto pair = co_await connect_pair(loop, server_side, client_side);
    co_await aiostreams::sleep(1.0);
    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "lost:Connection reset by peer"});
    CHECK(server_side.at(0).events == std::vector<std::string>{"made", "lost:Connection reset by peer"});
    CHECK(loop.network().faults_fired() == 1);
    pair.server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a refused-connect fault raises ConnectionRefusedError even with a listener") {
  SimLoop loop(22);
  loop.network().faults().connect_refused = 1.0;
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    CHECK_THROWS_AS(co_await connect_pair(loop, server_side, client_side), aiostreams::ConnectionRefusedError);
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a hanging connect ends with TimeoutError from wait_for and leaves nothing behind") {
  SimLoop loop(23);
  loop.network().faults().connect_hang = 1.0;
  const auto factory = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await loop.create_server(factory, "", 8888, ServerOptions{});
    CHECK_THROWS_AS(
        co_await aiostreams::wait_for(loop.create_connection(factory, "127.0.0.1", 8888, ConnectOptions{}), 2.5),
        aiostreams::TimeoutError);
    CHECK(loop.time() == Approx(2.5));
    CHECK(loop.pending_task_count() == 1);  // just this one
    CHECK(server->client_count() == 0);
    server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a partition holds segments and delivers them in order once it heals") {
  SimLoop loop(24);
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    auto pair = co_await connect_pair(loop, server_side, client_side);
    co_await aiostreams::sleep(0.01);
    loop.network().partition("client-1", "server", 1.0);
    pair.client->write("abc");
    pair.client->write("def");
    co_await aiostreams::sleep(0.5);
    CHECK(server_side.at(0).data.empty());
    co_await aiostreams::sleep(1.0);
    CHECK(server_side.at(0).data == "abcdef");
    pair.client->close();
    pair.server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("an accept error goes to the exception handler and the client sees a reset") {
  SimLoop loop(25);
  std::vector<std::string> messages;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& c) { messages.push_back(c.message); });
  loop.network().faults().accept_error = 1.0;
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    auto pair = co_await connect_pair(loop, server_side, client_side);
    co_await aiostreams::sleep(0.1);
    CHECK(messages == std::vector<std::string>{"socket.accept() out of system resource"});
    CHECK(server_side.made->empty());
    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "lost:Connection reset by peer"});
    pair.server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("after a silent close nothing arrives and the writer ends up paused") {
  SimLoop loop(26);
  FaultConfig faults;
  faults.silent_close = 1.0;
  faults.fault_window = 0.0;
  loop.network().set_faults(faults);
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    auto pair = co_await connect_pair(loop, server_side, client_side);
    co_await aiostreams::sleep(0.1);
    const std::string block(64 * 1024, 'x');
    for (int i = 0; i < 4; ++i) pair.client->write(block);
    co_await aiostreams::sleep(5.0);
    CHECK(server_side.at(0).data.empty());
    CHECK(client_side.at(0).pauses == 1);
    CHECK(pair.client->get_write_buffer_size() == 192 * 1024);  // only the send buffer took any
    CHECK_FALSE(client_side.at(0).lost);
    pair.client->abort();
    pair.server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a half-close fault makes the client see EOF early") {
  SimLoop loop(27);
  FaultConfig faults;
  faults.half_close = 1.0;
  faults.fault_window = 0.0;
  loop.network().set_faults(faults);
  RecorderFactory server_side, client_side;
  auto main = [&]() -> Task<void> {
    auto pair = co_await connect_pair(loop, server_side, client_side);
    co_await aiostreams::sleep(0.1);
    CHECK(client_side.at(0).events == std::vector<std::string>{"made", "eof"});
    server_side.at(0).transport->write("late");
    co_await aiostreams::sleep(0.1);
    CHECK(server_side.at(0).events == std::vector<std::string>{"made", "lost:Broken pipe"});
    pair.client->close();
    pair.server->close();
  };
  aiostreams::run(loop, main());
}

TEST_CASE("the swarm draws its fault mix from its own stream") {
  const FaultConfig a = aiostreams::sim::Swarm::draw(99);
  const FaultConfig b = aiostreams::sim::Swarm::draw(99);
  CHECK(a.to_string() == b.to_string());
  CHECK(a.to_string() != aiostreams::sim::Swarm::draw(100).to_string());
  SimLoop plain(99);
  SimLoop swarmed(99);
  swarmed.network().enable_swarm();
  CHECK(swarmed.network().faults().to_string() == a.to_string());
  CHECK(plain.rng().next_u64() == swarmed.rng().next_u64());
  CHECK(FaultConfig{}.to_string() == "none");
}
