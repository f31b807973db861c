// Links only aiostreams::sim: an echo on the simulated network. install_and_consume builds it
// with every Asio and OpenSSL header replaced by an #error, so it proves that the simulator's
// headers (and the streams and core layers below them) include neither.
#include <aiostreams/run_until_complete.hpp>
#include <aiostreams/sim/sim_loop.hpp>
#include <aiostreams/sim/spawn.hpp>

#include <cstdio>

#include "echo.hpp"

namespace {

aiostreams::Task<int> session() {
  auto& loop = static_cast<aiostreams::sim::SimLoop&>(aiostreams::get_running_loop());
  auto server = co_await aiostreams::sim::spawn_on(loop, "server",
                                                   aiostreams::start_server(consumer::handle_echo, "0.0.0.0", 8888));
  const int echoed = co_await consumer::echo_three_lines("server", 8888);
  co_await server->aclose();
  co_return echoed;
}

}  // namespace

int main() {
  aiostreams::sim::SimLoop loop(42);
  const int echoed = aiostreams::run(loop, session());
  std::printf("sim echo: %d of 3 lines\n", echoed);
  return echoed == 3 ? 0 : 1;
}
