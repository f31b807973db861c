#include "aiostreams/transport.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <memory>
#include <string_view>
#include <utility>

#include "aiostreams/errors.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "support/fake_transport.hpp"

using aiostreams::resolve_write_buffer_limits;
using Limits = std::pair<std::size_t, std::size_t>;  // (high, low)

TEST_CASE("write buffer limits default to 64 KiB high and a quarter of that low") {
  CHECK(resolve_write_buffer_limits(std::nullopt, std::nullopt) == Limits{65536, 16384});
}

TEST_CASE("with only low given the high-water mark is four times low") {
  CHECK(resolve_write_buffer_limits(std::nullopt, 1000) == Limits{4000, 1000});
}

TEST_CASE("with only high given the low-water mark is a quarter of high") {
  CHECK(resolve_write_buffer_limits(100, std::nullopt) == Limits{100, 25});
  CHECK(resolve_write_buffer_limits(3, std::nullopt) == Limits{3, 0});  // integer division, as Python's //
}

TEST_CASE("zero water marks are allowed and mean write everything at once") {
  CHECK(resolve_write_buffer_limits(0, 0) == Limits{0, 0});
}

TEST_CASE("a high-water mark below the low-water mark is a ValueError with asyncio's message") {
  CHECK_THROWS_AS(resolve_write_buffer_limits(10, 20), aiostreams::ValueError);
  CHECK_THROWS_WITH(resolve_write_buffer_limits(10, 20), "high (10) must be >= low (20) must be >= 0");
  // Only low given, yet 4*low stays above it: fine. Only high given: low = high/4 is never above it.
  CHECK_NOTHROW(resolve_write_buffer_limits(std::nullopt, 7));
}

TEST_CASE("the default writelines writes the buffers joined, in order, as one write") {
  aiostreams::sim::SimLoop loop;
  auto transport = std::make_shared<aiostreams::testing::FakeTransport>(loop);
  const std::array<std::string_view, 3> buffers{"GET / HTTP/1.1\r\n", "", "Host: x\r\n\r\n"};
  transport->writelines(buffers);
  CHECK(transport->written == "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(transport->write_calls == 1);
}

TEST_CASE("a ReadTransport reports reading unless it says otherwise") {
  struct Minimal final : aiostreams::ReadTransport {
    void pause_reading() override {}
    void resume_reading() override {}
  } minimal;
  CHECK(minimal.is_reading());
}
