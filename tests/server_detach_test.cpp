// A connection leaves its Server in O(1): a mass disconnect is linear, not quadratic.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/server.hpp"
#include "aiostreams/sim/sim_loop.hpp"

namespace {
// Enough of a transport for the Server's bookkeeping: records the order of close/abort.
class CountedTransport final : public aiostreams::Transport {
 public:
  CountedTransport(int id, std::vector<int>& closed) : id_(id), closed_(closed) {}
  std::any get_extra_info(std::string_view) const override { return {}; }
  bool is_closing() const override { return false; }
  void close() override { closed_.push_back(id_); }
  void set_protocol(std::shared_ptr<aiostreams::Protocol>) override {}
  std::shared_ptr<aiostreams::Protocol> get_protocol() const override { return nullptr; }
  void write(std::string_view) override {}
  void write_eof() override {}
  bool can_write_eof() const override { return true; }
  void abort() override { closed_.push_back(-id_); }
  std::size_t get_write_buffer_size() const override { return 0; }
  std::pair<std::size_t, std::size_t> get_write_buffer_limits() const override { return {0, 0}; }
  void set_write_buffer_limits(std::optional<std::size_t>, std::optional<std::size_t>) override {}
  void pause_reading() override {}
  void resume_reading() override {}

 private:
  int id_;
  std::vector<int>& closed_;
};

struct Fixture {
  aiostreams::sim::SimLoop loop{1};
  std::shared_ptr<aiostreams::Server> server = std::make_shared<aiostreams::Server>(
      loop, std::vector<std::unique_ptr<aiostreams::Listener>>{}, aiostreams::ProtocolFactory{}, 100);
  std::vector<int> closed;
  std::vector<std::shared_ptr<CountedTransport>> clients;

  void attach(int count) {
    for (int i = 0; i < count; ++i) {
      clients.push_back(std::make_shared<CountedTransport>(static_cast<int>(clients.size()) + 1, closed));
      server->attach(clients.back());
    }
  }
};
}  // namespace

TEST_CASE("each connection that leaves a server costs it one visit, not one per client") {
  Fixture f;
  constexpr int count = 10000;
  f.attach(count);
  for (const auto& client : f.clients) f.server->detach(client.get());
  CHECK(f.server->client_count() == 0);
  CHECK(f.server->detach_visits() <= static_cast<std::uint64_t>(count));
}

TEST_CASE("close_clients and abort_clients reach the remaining clients in attach order") {
  Fixture f;
  f.attach(6);
  f.server->detach(f.clients[1].get());
  f.server->detach(f.clients[4].get());
  f.attach(1);  // id 7
  f.server->close_clients();
  CHECK(f.closed == std::vector<int>{1, 3, 4, 6, 7});
  f.closed.clear();
  f.server->detach(f.clients[0].get());
  f.server->abort_clients();
  CHECK(f.closed == std::vector<int>{-3, -4, -6, -7});
  CHECK(f.server->client_count() == 4);
}

TEST_CASE("a server closed with clients wakes wait_closed when the last one leaves") {
  Fixture f;
  f.attach(3);
  f.server->close();
  bool woken = false;
  auto waiter = [](aiostreams::Server& server, bool& flag) -> aiostreams::Task<void> {
    co_await server.wait_closed();
    flag = true;
  };
  auto task = aiostreams::create_task(f.loop, waiter(*f.server, woken));
  f.loop.run_until_idle();
  f.server->detach(f.clients[2].get());
  f.server->detach(f.clients[0].get());
  f.loop.run_until_idle();
  CHECK_FALSE(woken);
  f.server->detach(f.clients[1].get());
  f.loop.run_until_idle();
  CHECK(woken);
}
