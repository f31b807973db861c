#include "aiostreams/task_context.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/future.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"

using aiostreams::Future;
using aiostreams::Task;
using aiostreams::TaskContext;
using aiostreams::sim::SimLoop;

namespace {
struct Named final : TaskContext {
  explicit Named(std::string n) : name(std::move(n)) {}
  std::string describe() const override { return name; }
  std::string name;
};

// What the running task's context describes itself as ("-" for none).
std::string where() {
  const TaskContext* context = aiostreams::current_task_context();
  return context == nullptr ? "-" : context->describe();
}

Task<std::string> child() { co_return where(); }

// Where the parent runs, then where a child it creates runs.
Task<std::vector<std::string>> parent() {
  std::vector<std::string> seen{where()};
  seen.push_back(co_await aiostreams::create_task(child()));
  co_return seen;
}
}  // namespace

TEST_CASE("outside a task there is no task context") { CHECK(aiostreams::current_task_context() == nullptr); }

TEST_CASE("a task made without a context has none, nor do its children") {
  SimLoop loop;
  CHECK(aiostreams::run(loop, parent()) == std::vector<std::string>{"-", "-"});
}

TEST_CASE("create_task_in gives a task its context and its children inherit it") {
  SimLoop loop;
  auto main = [&]() -> Task<std::vector<std::string>> {
    co_return co_await aiostreams::create_task_in(loop, parent(), std::make_shared<const Named>("edge-1"));
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<std::string>{"edge-1", "edge-1"});
}

TEST_CASE("a pending task is listed with its context's description in brackets") {
  SimLoop loop;
  Future<void> never(loop);
  never.set_static_label("a test future");
  auto waits = [](Future<void> f) -> Task<void> { co_await f; };
  auto task = aiostreams::create_task_in(loop, waits(never), std::make_shared<const Named>("edge-2"));
  loop.run_until_idle();
  const auto lines = loop.describe_pending_tasks();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find(" [edge-2]: waits on a test future") != std::string::npos);
  never.set_result();
  loop.run_until_idle();
  CHECK(task.done());
}

TEST_CASE("a ScopedTaskContext gives callbacks outside a task a context, which their tasks inherit") {
  SimLoop loop;
  std::vector<std::string> seen;
  Future<std::vector<std::string>> made(loop);
  loop.call_soon([&] {
    const aiostreams::ScopedTaskContext outer(std::make_shared<const Named>("host-a"));
    seen.push_back(where());
    {
      const aiostreams::ScopedTaskContext inner(std::make_shared<const Named>("host-b"));
      seen.push_back(where());
    }
    seen.push_back(where());  // the inner scope restored the outer one
    made = aiostreams::create_task(loop, parent());
  });
  loop.run_until_idle();
  CHECK(seen == std::vector<std::string>{"host-a", "host-b", "host-a"});
  CHECK(where() == "-");  // and the outer one restored none
  REQUIRE(made.done());
  CHECK(made.result() == std::vector<std::string>{"host-a", "host-a"});
}
