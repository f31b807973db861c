// lines: a line protocol over readline() with a small limit; every line (some exactly at
// the limit) is answered with its length.
#include "common.hpp"

namespace aiostreams::sim::workloads {
namespace {
using detail::timed;
constexpr std::int64_t line_limit = 1024;

Task<void> lines_handler(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    while (auto line = co_await timed(reader->next_line())) {
      writer->write(std::to_string(line->size()) + "\n");
      co_await timed(writer->drain());
    }
  } catch (...) {
  }
  co_await detail::close_quietly(writer);
}

Task<void> lines_client(int client, int rounds, Prng rng, const Params& params, Report& report) {
  const std::string who = "lines client " + std::to_string(client);
  try {
    auto [reader, writer] = co_await detail::connect_to_server();
    for (int round = 0; round < rounds; ++round) {
      // Up to the limit before the newline, which CPython allows; a tenth exactly at it.
      const auto length = rng.chance(0.1) ? line_limit : rng.uniform_int(0, line_limit);
      std::string line(static_cast<std::size_t>(length), 'x');
      for (auto& c : line) c = static_cast<char>('a' + rng.below(26));
      line += '\n';
      writer->write(line);
      co_await timed(writer->drain());
      const std::string answer = co_await timed(reader->readline());
      const std::string expected = std::to_string(line.size()) + "\n";
      if (answer != expected) {
        if (params.faults && answer.empty()) throw IncompleteReadError(answer, expected.size());
        report.violations.push_back(who + ": round " + std::to_string(round) + ": sent a " +
                                    std::to_string(line.size()) + "-byte line, the server answered '" + answer + "'");
        break;
      }
      ++report.round_trips;
      report.bytes += line.size();
    }
    co_await detail::close_quietly(writer);
  } catch (...) {
    detail::record_failure(report, params, who, std::current_exception());
  }
}
}  // namespace

Task<void> run_lines(SimLoop& loop, const Params& params, Report& report) {
  const int clients = params.clients > 0 ? params.clients : 2;
  const int rounds = params.rounds > 0 ? params.rounds : 50;
  auto server = co_await spawn_on(
      loop, "server", aiostreams::start_server(lines_handler, "0.0.0.0", detail::server_port, {.limit = line_limit}));
  Prng rng = loop.rng().fork("workload");
  std::vector<Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(spawn_on(loop, "client-" + std::to_string(i),
                             lines_client(i, rounds, rng.fork(std::to_string(i)), params, report)));
  }
  for (auto& task : tasks) co_await task;
  co_await detail::shut_down(server);
  if (!params.faults && report.round_trips != static_cast<std::uint64_t>(clients) * rounds) {
    report.violations.push_back("lines: " + std::to_string(report.round_trips) + " round trips completed, expected " +
                                std::to_string(clients * rounds));
  }
}

}  // namespace aiostreams::sim::workloads
