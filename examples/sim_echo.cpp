// The same echo client and server, tested under faults on the simulator (many seeds, a
// different fault mix per seed), then run unchanged on real sockets (AsioLoop).
#include <aiostreams/run.hpp>
#include <aiostreams/sim/network.hpp>
#include <aiostreams/sim/sim_loop.hpp>
#include <aiostreams/sim/spawn.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/wait_for.hpp>
#include <cstdio>
#include <string>

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

// --- the application: nothing here knows which loop it runs on --------------------------

Task<void> handle_echo(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    while (auto line = co_await aiostreams::wait_for(reader->next_line(), 10.0)) {
      writer->write(*line);
      co_await writer->drain();
    }
  } catch (const std::exception&) {
    // a reset or a timeout ends this connection; the client decides what that means
  }
  writer->close();
}

// Sends `count` lines and returns how many came back intact. Throws on a wrong echo.
Task<int> echo_client(std::string host, int port, int count) {
  int echoed = 0;
  try {
    auto [reader, writer] = co_await aiostreams::wait_for(aiostreams::open_connection(host, port), 10.0);
    for (int i = 0; i < count; ++i) {
      const std::string line = "message " + std::to_string(i) + "\n";
      writer->write(line);
      co_await writer->drain();
      const std::string answer = co_await aiostreams::wait_for(reader->readline(), 10.0);
      if (answer.empty()) break;  // the server went away
      if (answer != line) throw std::logic_error("wrong echo: " + answer);
      ++echoed;
    }
    writer->close();
  } catch (const aiostreams::OSError&) {
    // reset, refused or timed out: what a faulty network does
  }
  co_return echoed;
}

Task<int> session(std::string server_host, int port, bool simulated) {
  std::shared_ptr<aiostreams::Server> server;
  if (simulated) {  // the server runs on the simulated host "server"
    auto& loop = static_cast<aiostreams::sim::SimLoop&>(aiostreams::get_running_loop());
    server = co_await aiostreams::sim::spawn_on(loop, "server", aiostreams::start_server(handle_echo, "0.0.0.0", port));
  } else {
    server = co_await aiostreams::start_server(handle_echo, "127.0.0.1", port);
  }
  const int actual_port = server->sockets().front().port;
  const int echoed = co_await echo_client(server_host, actual_port, 20);
  co_await server->aclose();
  co_return echoed;
}

// --- testing it ------------------------------------------------------------------------------

int main() {
  int seeds_with_faults_seen = 0;
  int reports = 0;  // what the faults make the loop report (e.g. a failed accept)
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    aiostreams::sim::SimLoop loop(seed);
    loop.network().enable_swarm();  // this seed's fault mix: resets, partitions, stalls, ...
    loop.set_exception_handler([&reports](const aiostreams::ExceptionContext&) { ++reports; });
    int echoed = 0;
    try {
      echoed = aiostreams::run(loop, session("server", 8888, true));
    } catch (const std::exception& e) {
      std::printf("seed %llu FAILED: %s\n  replay: this program with the loop seeded %llu\n",
                  static_cast<unsigned long long>(seed), e.what(), static_cast<unsigned long long>(seed));
      return 1;
    }
    seeds_with_faults_seen += echoed < 20;
  }
  std::printf("simulator: 200 seeds with faults, %d of them cut a session short, no wrong echo (%d loop reports)\n",
              seeds_with_faults_seen, reports);
  const int echoed = aiostreams::run(session("127.0.0.1", 0, false));  // real sockets
  std::printf("real sockets: %d of 20 lines echoed\n", echoed);
  return echoed == 20 ? 0 : 1;
}
