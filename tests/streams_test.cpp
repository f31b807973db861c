#include "aiostreams/streams.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

namespace {
// Replies with the limit of the server-side reader, then closes.
Task<void> tell_limit(ReaderPtr reader, WriterPtr writer) {
  writer->write(std::to_string(reader->limit()) + "\n");
  co_await writer->drain();
  writer->close();
}
}  // namespace

TEST_CASE("each side's reader gets the limit its own options give") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    ServerOptions serve;
    serve.limit = 1234;
    auto server = co_await spawn_on(loop, "server", aiostreams::start_server(tell_limit, "0.0.0.0", 8888, serve));
    ConnectOptions connect;
    connect.limit = 99;
    auto [reader, writer] = co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", 8888, connect));
    std::string answer = co_await reader->readline();
    answer += std::to_string(reader->limit());
    writer->close();
    co_await server->aclose();
    co_return answer;
  };
  CHECK(aiostreams::run(loop, main()) == "1234\n99");
}

TEST_CASE("open_connection with a limit of zero raises ValueError before connecting") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    ConnectOptions options;
    options.limit = 0;
    try {
      // No server is listening: a connection attempt would fail with a connection error instead.
      co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", 8888, options));
    } catch (const aiostreams::ValueError& e) {
      co_return e.what();
    }
    co_return "no ValueError";
  };
  loop.network().add_host("server");
  CHECK(aiostreams::run(loop, main()) == "Limit cannot be <= 0");
}

TEST_CASE("a plain function serves as client_connected_cb") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto greet = [](ReaderPtr, WriterPtr writer) {
      writer->write("hi\n");
      writer->close();
    };
    auto server = co_await spawn_on(loop, "server", aiostreams::start_server(greet, "0.0.0.0", 8888));
    auto [reader, writer] = co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", 8888));
    std::string all = co_await reader->read(-1);
    writer->close();
    co_await server->aclose();
    co_return all;
  };
  CHECK(aiostreams::run(loop, main()) == "hi\n");
}

TEST_CASE("an exception escaping a coroutine callback is reported and its connection closed") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) {
    reports.push_back(context.message + ": " + aiostreams::describe_exception(context.exception));
  });
  auto main = [&]() -> Task<std::string> {
    auto fail = [](ReaderPtr, WriterPtr) -> Task<void> {
      throw aiostreams::RuntimeError("handler broke");
      co_return;
    };
    auto server = co_await spawn_on(loop, "server", aiostreams::start_server(fail, "0.0.0.0", 8888));
    auto [reader, writer] = co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", 8888));
    std::string all = co_await reader->read(-1);  // EOF: the server closed the connection
    writer->close();
    co_await server->aclose();
    co_return all;
  };
  CHECK(aiostreams::run(loop, main()).empty());
  CHECK(reports == std::vector<std::string>{"Unhandled exception in client_connected_cb: handler broke"});
}

TEST_CASE("the Unix variants serve and connect by path") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    ServerOptions serve;
    serve.limit = 77;
    auto server = co_await spawn_on(loop, "server", aiostreams::start_unix_server(tell_limit, "/run/app.sock", serve));
    auto [reader, writer] = co_await spawn_on(loop, "server", aiostreams::open_unix_connection("/run/app.sock"));
    std::string answer = co_await reader->readline();
    writer->close();
    co_await server->aclose();
    co_return answer;
  };
  CHECK(aiostreams::run(loop, main()) == "77\n");
}
