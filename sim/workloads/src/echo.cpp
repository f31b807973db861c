// echo: each client sends lines of random length and checks that each comes back intact.
#include "common.hpp"

namespace aiostreams::sim::workloads {
namespace {
using detail::timed;

Task<void> echo_handler(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    while (auto line = co_await timed(reader->next_line())) {
      writer->write(*line);
      co_await timed(writer->drain());
    }
  } catch (...) {
    // A faulty network ends a connection any time; the client side checks the data.
  }
  co_await detail::close_quietly(writer);
}

std::string make_message(Prng& rng, int client, int round) {
  std::string message = "ping " + std::to_string(client) + " " + std::to_string(round) + " ";
  const auto payload = static_cast<std::size_t>(rng.uniform_int(0, 2000));
  for (std::size_t i = 0; i < payload; ++i) message.push_back(static_cast<char>('a' + rng.below(26)));
  return message + "\n";
}

Task<void> echo_client(int client, int rounds, Prng rng, const Params& params, Report& report) {
  const std::string who = "echo client " + std::to_string(client);
  try {
    auto [reader, writer] = co_await detail::connect_to_server();
    for (int round = 0; round < rounds; ++round) {
      const std::string message = make_message(rng, client, round);
      writer->write(message);
      co_await timed(writer->drain());
      const std::string echoed = co_await timed(reader->readline());
      if (echoed != message) {
        if (params.faults && echoed.empty()) throw IncompleteReadError(echoed, message.size());
        report.violations.push_back(who + ": round " + std::to_string(round) + " echoed " +
                                    std::to_string(echoed.size()) + " bytes that differ from the " +
                                    std::to_string(message.size()) + " sent");
        break;
      }
      ++report.round_trips;
      report.bytes += message.size();
    }
    writer->write_eof();
    const std::string rest = co_await timed(reader->read());
    if (!rest.empty())
      report.violations.push_back(who + ": " + std::to_string(rest.size()) + " unexpected bytes after the last echo");
    co_await detail::close_quietly(writer);
  } catch (...) {
    detail::record_failure(report, params, who, std::current_exception());
  }
}
}  // namespace

Task<void> run_echo(SimLoop& loop, const Params& params, Report& report) {
  const int clients = params.clients > 0 ? params.clients : 1;
  const int rounds = params.rounds > 0 ? params.rounds : 100;
  auto server = co_await detail::serve(loop, echo_handler);
  Prng rng = loop.rng().fork("workload");
  std::vector<Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(spawn_on(loop, "client-" + std::to_string(i),
                             echo_client(i, rounds, rng.fork(std::to_string(i)), params, report)));
  }
  for (auto& task : tasks) co_await task;
  co_await detail::shut_down(server);
  if (!params.faults && report.round_trips != static_cast<std::uint64_t>(clients) * rounds) {
    report.violations.push_back("echo: " + std::to_string(report.round_trips) + " round trips completed, expected " +
                                std::to_string(clients * rounds));
  }
}

}  // namespace aiostreams::sim::workloads
