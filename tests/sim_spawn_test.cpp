#include "aiostreams/sim/spawn.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aiostreams/run_until_complete.hpp"

using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::SimTaskContext;

namespace {
// The simulated host the running task is on ("-" outside any).
std::string host_here() {
  const auto* context = dynamic_cast<const SimTaskContext*>(aiostreams::current_task_context());
  return context == nullptr ? "-" : context->host;
}

Task<std::string> report_host() { co_return host_here(); }

Task<std::vector<std::string>> host_then_child_host() {
  std::vector<std::string> seen{host_here()};
  seen.push_back(co_await aiostreams::create_task(report_host()));
  co_return seen;
}
}  // namespace

TEST_CASE("spawn_on adds the host to the network and runs the task and its children there") {
  SimLoop loop;
  CHECK_FALSE(loop.network().has_host("db-1"));
  auto main = [&]() -> Task<std::vector<std::string>> {
    co_return co_await aiostreams::sim::spawn_on(loop, "db-1", host_then_child_host());
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<std::string>{"db-1", "db-1"});
  CHECK(loop.network().has_host("db-1"));
}

TEST_CASE("the simulator's task context describes itself as its host") {
  CHECK(SimTaskContext("client-3").describe() == "client-3");
}
