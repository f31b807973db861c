// The test kit on a small service: an echo server and its clients, registered as a simulation
// test. The binary is the runner: `testkit_echo sweep --test echo --seeds 1..1000 --faults swarm
// --jobs 2` runs a thousand seeds under a fault mix drawn per seed, and prints, for any seed
// that fails, the one command that replays it. Built a second time with
// TESTKIT_ECHO_PLANTED_BUG as testkit_echo_buggy, whose server garbles some lines.
#include <aiostreams/sim/spawn.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/testing/main.hpp>
#include <aiostreams/testing/sim_test.hpp>
#include <aiostreams/wait_for.hpp>
#include <memory>
#include <string>
#include <vector>

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::testing::SimTest;

// --- the service: nothing here knows it runs on a simulated network ------------------------
Task<void> handle_echo(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    while (auto line = co_await aiostreams::wait_for(reader->next_line(), 10.0)) {
#ifdef TESTKIT_ECHO_PLANTED_BUG
      if (line->size() == 97) (*line)[0] = '?';  // the planted bug: lines of 97 bytes come back wrong
#endif
      writer->write(*line);
      co_await writer->drain();
    }
  } catch (const std::exception&) {
    // a reset or a timeout ends this connection; the clients check what they got
  }
  writer->close();
}

// --- the test ------------------------------------------------------------------------------
Task<void> echo_client(SimTest& t, int client, int rounds) {
  try {
    auto [reader, writer] = co_await aiostreams::wait_for(aiostreams::open_connection("server", 8888), 10.0);
    for (int round = 0; round < rounds; ++round) {
      const std::string line = "client " + std::to_string(client) + " round " + std::to_string(round) + " " +
                               std::string(t.loop().rng().below(100), 'x') + "\n";
      writer->write(line);
      co_await writer->drain();
      const std::string answer = co_await aiostreams::wait_for(reader->readline(), 10.0);
      if (answer.empty() && t.faults()) break;  // the connection went away: a fault did that
      if (!t.check(answer == line, "client " + std::to_string(client) + " sent '" + line.substr(0, 20) +
                                       "...' and got back '" + answer.substr(0, 20) + "...'")) {
        break;
      }
      t.sometimes(round == rounds - 1, "a client finished every round");
    }
    writer->close();
  } catch (const aiostreams::OSError& e) {  // refused, reset, timed out: only under faults
    t.check(t.faults(), std::string("a connection error without faults: ") + e.what());
  }
}

// After the faults stop, a new client must still get an echo: the server survived them.
Task<void> still_serving(SimTest& t, std::shared_ptr<aiostreams::Server> server) {
  co_await echo_client(t, 999, 1);
  server->close();
}

AIOSTREAMS_SIM_TEST("echo", "clients send lines to an echo server and get each one back")(SimTest& t) {
  auto server =
      co_await aiostreams::sim::spawn_on(t.loop(), "server", aiostreams::start_server(handle_echo, "0.0.0.0", 8888));
  const int clients = t.params().clients > 0 ? t.params().clients : 3;
  const int rounds = t.params().rounds > 0 ? t.params().rounds : 10;
  std::vector<aiostreams::Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(aiostreams::sim::spawn_on(t.loop(), "client-" + std::to_string(i), echo_client(t, i, rounds)));
  }
  for (auto& task : tasks) co_await task;
  t.on_quiet([&t, server] { return still_serving(t, server); });
}

int main(int argc, char** argv) { return aiostreams::testing::main(argc, argv); }
