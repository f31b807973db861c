#include "aiostreams/protocol.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/recorder.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using aiostreams::sim::testing::RecorderFactory;
using Events = std::vector<std::string>;

TEST_CASE("the base protocol ignores every event and lets the transport close on EOF") {
  aiostreams::Protocol protocol;
  protocol.connection_made(nullptr);
  protocol.data_received("ignored");
  protocol.pause_writing();
  protocol.resume_writing();
  CHECK_FALSE(protocol.eof_received());  // false: close, as asyncio's default
  protocol.connection_lost(nullptr);
}

TEST_CASE("a protocol sees connection_made first, data and EOF in order, and connection_lost last") {
  SimLoop loop(3);
  RecorderFactory server_side;
  server_side.keep_open = false;  // the server's transport closes when the client's EOF arrives
  RecorderFactory client_side;
  auto main = [&]() -> Task<std::vector<bool>> {
    auto server =
        co_await spawn_on(loop, "server", loop.create_server(server_side.factory(), "", 8888, ServerOptions{}));
    auto transport = co_await spawn_on(loop, "client-1",
                                       loop.create_connection(client_side.factory(), "server", 8888, ConnectOptions{}));
    transport->write("one ");
    transport->write("two");
    transport->write_eof();
    // Nothing is delivered inline, from inside the client's calls.
    std::vector<bool> delivered{!server_side.made->empty() && !server_side.at(0).data.empty()};
    co_await aiostreams::sleep(1);
    transport->close();
    co_await aiostreams::sleep(1);
    delivered.push_back(server_side.at(0).data == "one two");
    server->close();
    co_return delivered;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<bool>{false, true});
  REQUIRE(server_side.made->size() == 1);
  CHECK(server_side.at(0).events == Events{"made", "eof", "lost"});
  // The client keeps its end open past the server's EOF until it closes it.
  CHECK(client_side.at(0).events == Events{"made", "eof", "lost"});
}
