// Links only aiostreams::asio: an echo over real loopback sockets with the default run(main).
#include <aiostreams/run.hpp>

#include <cstdio>

#include "echo.hpp"

namespace {

aiostreams::Task<int> session() {
  auto server = co_await aiostreams::start_server(consumer::handle_echo, "127.0.0.1", 0);
  const int echoed = co_await consumer::echo_three_lines("127.0.0.1", server->sockets().front().port);
  co_await server->aclose();
  co_return echoed;
}

}  // namespace

int main() {
  const int echoed = aiostreams::run(session());
  std::printf("asio echo: %d of 3 lines\n", echoed);
  return echoed == 3 ? 0 : 1;
}
