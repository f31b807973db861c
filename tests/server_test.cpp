#include "aiostreams/server.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "support/fake_transport.hpp"

using aiostreams::Future;
using aiostreams::Listener;
using aiostreams::Server;
using aiostreams::SocketAddress;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::testing::FakeTransport;

namespace {
// What the server did to its listeners.
struct ListenerLog {
  int starts = 0;
  int closes = 0;
  int backlog = -1;
};

class FakeListener final : public Listener {
 public:
  FakeListener(std::shared_ptr<ListenerLog> log, SocketAddress address)
      : log_(std::move(log)), address_(std::move(address)) {}
  void start(Server&, int backlog) override {
    ++log_->starts;
    log_->backlog = backlog;
  }
  void close() override { ++log_->closes; }
  SocketAddress address() const override { return address_; }

 private:
  std::shared_ptr<ListenerLog> log_;
  SocketAddress address_;
};

// A server on `loop` with two listeners (IPv4 and IPv6) that share `log`.
std::shared_ptr<Server> make_server(aiostreams::Loop& loop, const std::shared_ptr<ListenerLog>& log) {
  std::vector<std::unique_ptr<Listener>> listeners;
  listeners.push_back(std::make_unique<FakeListener>(log, SocketAddress{"127.0.0.1", 8888, ""}));
  listeners.push_back(std::make_unique<FakeListener>(log, SocketAddress{"::1", 8888, ""}));
  return std::make_shared<Server>(
      loop, std::move(listeners), [] { return nullptr; }, 100);
}

// Whether a Task<void> has finished after the loop has run for `seconds` of (virtual) time.
Task<bool> done_after(const Future<void>& task, double seconds) {
  co_await aiostreams::sleep(seconds);
  co_return task.done();
}
}  // namespace

TEST_CASE("a server lists its listeners' addresses until it is closed") {
  SimLoop loop;
  auto log = std::make_shared<ListenerLog>();
  auto server = make_server(loop, log);
  CHECK(server->sockets().size() == 2);
  CHECK(server->repr() == "<Server sockets=(127.0.0.1:8888, [::1]:8888)>");
  server->close();
  server->close();  // idempotent
  CHECK(server->sockets().empty());
  CHECK(server->repr() == "<Server sockets=()>");
  CHECK(log->closes == 2);  // each listener once
}

TEST_CASE("start_serving starts each listener once with the backlog") {
  SimLoop loop;
  auto log = std::make_shared<ListenerLog>();
  auto server = make_server(loop, log);
  CHECK_FALSE(server->is_serving());
  aiostreams::run(loop, [](std::shared_ptr<Server> s) -> Task<void> {
    co_await s->start_serving();
    co_await s->start_serving();
  }(server));
  CHECK(server->is_serving());
  CHECK(log->starts == 2);
  CHECK(log->backlog == 100);
  server->close();
  CHECK_FALSE(server->is_serving());
}

TEST_CASE("wait_closed waits for close and then for the last client to detach") {
  SimLoop loop;
  auto log = std::make_shared<ListenerLog>();
  auto server = make_server(loop, log);
  auto main = [&]() -> Task<std::vector<bool>> {
    auto client = std::make_shared<FakeTransport>(loop);
    server->attach(client);
    std::vector<bool> done;
    auto waiting = aiostreams::create_task(server->wait_closed());
    done.push_back(co_await done_after(waiting, 1));  // open, one client
    server->close();
    done.push_back(co_await done_after(waiting, 1));  // closed, the client is still there
    server->detach(client.get());
    done.push_back(co_await done_after(waiting, 0));  // closed and no client
    co_return done;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<bool>{false, false, true});
}

TEST_CASE("wait_closed after the server is closed and empty returns at once") {
  SimLoop loop;
  auto server = make_server(loop, std::make_shared<ListenerLog>());
  server->close();
  auto main = [&]() -> Task<double> {
    co_await server->aclose();
    co_return loop.time();
  };
  CHECK(aiostreams::run(loop, main()) == 0.0);
}

TEST_CASE("close_clients closes and abort_clients aborts every attached client") {
  SimLoop loop;
  auto server = make_server(loop, std::make_shared<ListenerLog>());
  auto first = std::make_shared<FakeTransport>(loop);
  auto second = std::make_shared<FakeTransport>(loop);
  server->attach(first);
  server->attach(second);
  CHECK(server->client_count() == 2);
  server->abort_clients();
  CHECK(first->abort_calls == 1);
  CHECK(second->abort_calls == 1);
  server->close_clients();
  CHECK(first->is_closing());
  CHECK(second->is_closing());
  server->detach(first.get());
  CHECK(server->client_count() == 1);
}

TEST_CASE("serve_forever ends with CancelledError once the server is closed") {
  SimLoop loop;
  auto server = make_server(loop, std::make_shared<ListenerLog>());
  auto main = [&]() -> Task<std::string> {
    auto serving = aiostreams::create_task(server->serve_forever());
    co_await aiostreams::sleep(1);
    if (!server->is_serving()) co_return "not serving";
    server->close();
    try {
      co_await serving;
    } catch (const aiostreams::CancelledError&) {
      co_return "cancelled";
    }
    co_return "returned";
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled");
}

TEST_CASE("serve_forever on a closed server is a RuntimeError naming the server") {
  SimLoop loop;
  auto server = make_server(loop, std::make_shared<ListenerLog>());
  server->close();
  auto main = [&]() -> Task<std::string> {
    try {
      co_await server->serve_forever();
    } catch (const aiostreams::RuntimeError& e) {
      co_return e.what();
    }
    co_return "returned";
  };
  CHECK(aiostreams::run(loop, main()) == "server <Server sockets=()> is closed");
}

TEST_CASE("cancelling serve_forever closes the server") {
  SimLoop loop;
  auto server = make_server(loop, std::make_shared<ListenerLog>());
  auto main = [&]() -> Task<bool> {
    auto serving = aiostreams::create_task(server->serve_forever());
    co_await aiostreams::sleep(1);
    serving.cancel();
    co_await aiostreams::sleep(1);
    co_return serving.cancelled();
  };
  CHECK(aiostreams::run(loop, main()));
  CHECK_FALSE(server->is_serving());
  CHECK(server->sockets().empty());
}
