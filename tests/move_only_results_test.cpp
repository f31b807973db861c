// Move-only results (std::unique_ptr) through Task, create_task, wait_for, gather and run,
// and the rule for copyable results: copied where others may read them, moved where not.
#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "aiostreams/gather.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::Future;
using aiostreams::InvalidStateError;
using aiostreams::Task;
using aiostreams::TimeoutError;
using aiostreams::sim::SimLoop;

namespace {
/// What a user's connect() hands back: owned, not copyable.
struct Client {
  explicit Client(int number) : id(number) {}
  int id;
};
using ClientPtr = std::unique_ptr<Client>;

Task<ClientPtr> connect_after(double seconds, int id) {
  co_await aiostreams::sleep(seconds);
  co_return std::make_unique<Client>(id);
}

Task<ClientPtr> fail_after(double seconds) {
  co_await aiostreams::sleep(seconds);
  throw std::runtime_error("connect failed");
}

/// Counts its copies: a result that must only ever be moved.
struct Counted {
  static inline int copies = 0;
  std::string text;
  explicit Counted(std::string t) : text(std::move(t)) {}
  Counted(const Counted& other) : text(other.text) { ++copies; }
  Counted(Counted&&) noexcept = default;
  Counted& operator=(const Counted& other) {
    text = other.text;
    ++copies;
    return *this;
  }
  Counted& operator=(Counted&&) noexcept = default;
};

Task<Counted> counted_after(double seconds, std::string text) {
  co_await aiostreams::sleep(seconds);
  co_return Counted(std::move(text));
}
}  // namespace

// The one-line static_asserts are in CheckResult; these are the rules they enforce.
static_assert(aiostreams::detail::valid_result_v<ClientPtr>);
static_assert(aiostreams::detail::valid_result_v<void>);
static_assert(!aiostreams::detail::valid_result_v<int&>);
static_assert(!aiostreams::detail::valid_result_v<const ClientPtr>);
static_assert(!aiostreams::detail::valid_result_v<int[3]>);
static_assert(aiostreams::detail::move_only_result_v<ClientPtr>);
static_assert(!aiostreams::detail::move_only_result_v<std::string>);
static_assert(aiostreams::detail::move_only_result_v<std::vector<ClientPtr>>);  // judged by its elements
static_assert(!aiostreams::detail::move_only_result_v<std::vector<std::string>>);

TEST_CASE("a Task of a unique_ptr hands its result to the awaiting coroutine") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    ClientPtr client = co_await connect_after(1.0, 7);
    co_return client->id;
  };
  CHECK(aiostreams::run(loop, main()) == 7);
}

TEST_CASE("run returns a unique_ptr from main") {
  SimLoop loop;
  ClientPtr client = aiostreams::run(loop, connect_after(1.0, 3));
  REQUIRE(client != nullptr);
  CHECK(client->id == 3);
}

TEST_CASE("awaiting a created task moves a unique_ptr out of it once, and result() lets you look before") {
  SimLoop loop;
  auto main = []() -> Task<void> {
    Future<ClientPtr> task = aiostreams::create_task(connect_after(1.0, 9));
    co_await aiostreams::sleep(2.0);
    REQUIRE(task.done());
    CHECK(task.result()->id == 9);  // a look, not a take
    CHECK(task.result()->id == 9);
    ClientPtr client = co_await task;
    CHECK(client->id == 9);
    CHECK_THROWS_AS(task.result(), InvalidStateError);
    CHECK_THROWS_WITH(co_await task, Catch::Contains("Result was already taken"));
  };
  aiostreams::run(loop, main());
}

TEST_CASE("awaiting a temporary created task gives the unique_ptr") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    ClientPtr client = co_await aiostreams::create_task(connect_after(1.0, 4));
    co_return client->id;
  };
  CHECK(aiostreams::run(loop, main()) == 4);
}

TEST_CASE("a plain future carries a unique_ptr set with set_result") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    Future<ClientPtr> future;
    future.set_result(std::make_unique<Client>(5));
    ClientPtr client = co_await future;
    co_return client->id;
  };
  CHECK(aiostreams::run(loop, main()) == 5);
}

TEST_CASE("wait_for returns a unique_ptr from an operation that finishes in time") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    ClientPtr from_task = co_await aiostreams::wait_for(connect_after(1.0, 1), 10.0);
    Future<ClientPtr> future = aiostreams::create_task(connect_after(1.0, 2));
    ClientPtr from_future = co_await aiostreams::wait_for(future, 10.0);
    CHECK_THROWS_AS(future.result(), InvalidStateError);  // wait_for took it
    co_return from_task->id * 10 + from_future->id;
  };
  CHECK(aiostreams::run(loop, main()) == 12);
}

TEST_CASE("wait_for of a unique_ptr operation that is too slow throws TimeoutError") {
  SimLoop loop;
  auto main = []() -> Task<void> { (void)co_await aiostreams::wait_for(connect_after(10.0, 1), 1.0); };
  CHECK_THROWS_AS(aiostreams::run(loop, main()), TimeoutError);
}

TEST_CASE("gather returns unique_ptrs in a tuple in argument order") {
  SimLoop loop;
  auto main = []() -> Task<std::tuple<ClientPtr, int, ClientPtr>> {
    Future<ClientPtr> kept = aiostreams::create_task(connect_after(0.5, 3));
    auto results = co_await aiostreams::gather(connect_after(2.0, 1), aiostreams::sleep(1.0), kept);
    CHECK_THROWS_AS(kept.result(), InvalidStateError);  // gather took it
    co_return std::tuple<ClientPtr, int, ClientPtr>(std::move(std::get<0>(results)), 2,
                                                    std::move(std::get<2>(results)));
  };
  auto [first, second, third] = aiostreams::run(loop, main());
  CHECK(first->id == 1);
  CHECK(second == 2);
  CHECK(third->id == 3);
}

TEST_CASE("gather over a vector of unique_ptr tasks returns a vector of them in order") {
  SimLoop loop;
  auto main = []() -> Task<std::vector<ClientPtr>> {
    std::vector<Task<ClientPtr>> tasks;
    tasks.push_back(connect_after(3.0, 0));
    tasks.push_back(connect_after(1.0, 1));
    tasks.push_back(connect_after(2.0, 2));
    co_return co_await aiostreams::gather(std::move(tasks));
  };
  auto clients = aiostreams::run(loop, main());
  REQUIRE(clients.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(clients[static_cast<std::size_t>(i)]->id == i);
}

TEST_CASE("gather of unique_ptr tasks throws the first failure") {
  SimLoop loop;
  auto main = []() -> Task<void> { (void)co_await aiostreams::gather(connect_after(2.0, 1), fail_after(1.0)); };
  CHECK_THROWS_WITH(aiostreams::run(loop, main()), "connect failed");
}

TEST_CASE("a copyable result is copied for a future others hold, and stays readable") {
  SimLoop loop;
  Counted::copies = 0;
  auto main = []() -> Task<void> {
    Future<Counted> task = aiostreams::create_task(counted_after(1.0, "x"));
    Counted first = co_await task;
    Counted second = co_await task;
    CHECK(first.text == "x");
    CHECK(second.text == "x");
    CHECK(task.result().text == "x");
    CHECK(Counted::copies == 2);
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a copyable result is moved, never copied, where the awaiting side is its only reader") {
  SimLoop loop;
  Counted::copies = 0;
  auto main = []() -> Task<std::size_t> {
    Counted direct = co_await counted_after(1.0, "task");
    Counted created = co_await aiostreams::create_task(counted_after(1.0, "created"));
    Counted waited = co_await aiostreams::wait_for(counted_after(1.0, "waited"), 5.0);
    auto [a, b] = co_await aiostreams::gather(counted_after(1.0, "a"), counted_after(2.0, "b"));
    std::vector<Task<Counted>> tasks;
    tasks.push_back(counted_after(1.0, "v"));
    auto many = co_await aiostreams::gather(std::move(tasks));
    co_return direct.text.size() + created.text.size() + waited.text.size() + a.text.size() + b.text.size() +
        many.size();
  };
  CHECK(aiostreams::run(loop, main()) == 4 + 7 + 6 + 1 + 1 + 1);
  CHECK(Counted::copies == 0);
}

TEST_CASE("gather copies the result of a copyable future the caller still holds") {
  SimLoop loop;
  auto main = []() -> Task<void> {
    Future<std::string> kept = aiostreams::create_task([]() -> Task<std::string> { co_return "kept"; }());
    auto [value] = co_await aiostreams::gather(kept);
    CHECK(value == "kept");
    CHECK(kept.result() == "kept");
  };
  aiostreams::run(loop, main());
}
