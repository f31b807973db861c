#include "aiostreams/connection_options.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::StartTlsOptions;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

TEST_CASE("connect options default to asyncio's keyword defaults") {
  const ConnectOptions options;
  CHECK(options.limit == 65536);
  CHECK_FALSE(options.local_addr.has_value());
  CHECK(options.family == 0);
  CHECK(options.ssl == nullptr);
  CHECK_FALSE(options.server_hostname.has_value());        // None, not ""
  CHECK_FALSE(options.ssl_handshake_timeout.has_value());  // None: default_ssl_handshake_timeout
  CHECK_FALSE(options.ssl_shutdown_timeout.has_value());
  CHECK_FALSE(options.sock);
}

TEST_CASE("server options default to asyncio's keyword defaults") {
  const ServerOptions options;
  CHECK(options.limit == 65536);
  CHECK(options.backlog == 100);
  CHECK(options.start_serving);
  CHECK_FALSE(options.reuse_address.has_value());
  CHECK_FALSE(options.reuse_port);
  CHECK_FALSE(options.keep_alive);
  CHECK(options.cleanup_socket);
  CHECK(options.ssl == nullptr);
  CHECK_FALSE(options.ssl_handshake_timeout.has_value());
  CHECK_FALSE(options.ssl_shutdown_timeout.has_value());
  CHECK_FALSE(options.sock);
  const StartTlsOptions tls;
  CHECK_FALSE(tls.server_side);
  CHECK_FALSE(tls.server_hostname.has_value());
  CHECK(tls.ssl_handshake_timeout == 60.0);
  CHECK(tls.ssl_shutdown_timeout == 30.0);
}

TEST_CASE("options read like Python keyword arguments with designated initializers") {
  const ConnectOptions options{.limit = 1 << 20, .family = AF_INET6, .server_hostname = ""};
  CHECK(options.limit == 1 << 20);
  CHECK(options.family == AF_INET6);
  CHECK(options.server_hostname == std::string());  // "" sends no name, unlike unset
}

TEST_CASE("a server made with start_serving off accepts nothing until it starts serving") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto noop = [](std::shared_ptr<aiostreams::StreamReader>, std::shared_ptr<aiostreams::StreamWriter>) {};
    auto server = co_await aiostreams::sim::spawn_on(
        loop, "server", aiostreams::start_server(noop, "0.0.0.0", 8888, {.start_serving = false}));
    std::string states = server->is_serving() ? "serving;" : "bound;";
    co_await server->start_serving();
    states += server->is_serving() ? "serving" : "bound";
    co_await server->aclose();
    co_return states;
  };
  CHECK(aiostreams::run(loop, main()) == "bound;serving");
}
