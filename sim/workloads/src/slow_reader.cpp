// slow-reader: many clients upload to one server that reads slowly. Each client drains
// after every write, so its transport never buffers more than the high-water mark plus one
// write (backpressure); the server checks every byte with a hash.
#include "aiostreams/sleep.hpp"
#include "common.hpp"
#include "hashing.hpp"

namespace aiostreams::sim::workloads {
namespace {
using detail::timed;
constexpr std::size_t write_size = 4096;

Task<void> slow_handler(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    detail::Fnv1a hash;
    for (;;) {
      const std::string chunk = co_await timed(reader->read(1024));
      if (chunk.empty()) break;
      hash.add(chunk);
      co_await aiostreams::sleep(0.0005);  // the slow reader
    }
    writer->write(hash.hex());
    co_await timed(writer->drain());
  } catch (...) {
  }
  co_await detail::close_quietly(writer);
}

Task<void> upload_client(int client, int rounds, Prng rng, const Params& params, Report& report) {
  const std::string who = "slow-reader client " + std::to_string(client);
  try {
    auto [reader, writer] = co_await detail::connect_to_server();
    const std::size_t high_water = writer->transport()->get_write_buffer_limits().second;
    detail::Fnv1a hash;
    std::uint64_t sent = 0;
    for (int round = 0; round < rounds; ++round) {
      std::string chunk(write_size, '\0');
      for (auto& c : chunk) c = static_cast<char>(rng.below(256));
      hash.add(chunk);
      writer->write(chunk);
      sent += chunk.size();
      const std::size_t buffered = writer->transport()->get_write_buffer_size();
      if (buffered > high_water + write_size) {
        report.violations.push_back(who + ": " + std::to_string(buffered) +
                                    " bytes buffered, more than the high-water mark " + std::to_string(high_water) +
                                    " plus one write");
        break;
      }
      co_await timed(writer->drain());
    }
    writer->write_eof();
    const std::string answer = co_await timed(reader->read());
    if (answer != hash.hex()) {
      if (params.faults && answer.empty()) throw IncompleteReadError(answer, 16);
      report.violations.push_back(who + ": the server hashed '" + answer + "', expected " + hash.hex());
    } else {
      ++report.round_trips;
      report.bytes += sent;
    }
    co_await detail::close_quietly(writer);
  } catch (...) {
    detail::record_failure(report, params, who, std::current_exception());
  }
}
}  // namespace

Task<void> run_slow_reader(SimLoop& loop, const Params& params, Report& report) {
  const int clients = params.clients > 0 ? params.clients : 20;
  const int rounds = params.rounds > 0 ? params.rounds : 64;  // 64 writes of 4 KiB: 256 KiB each
  auto server = co_await detail::serve(loop, slow_handler);
  Prng rng = loop.rng().fork("workload");
  std::vector<Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(spawn_on(loop, "client-" + std::to_string(i),
                             upload_client(i, rounds, rng.fork(std::to_string(i)), params, report)));
  }
  for (auto& task : tasks) co_await task;
  co_await detail::shut_down(server);
  if (!params.faults && report.round_trips != static_cast<std::uint64_t>(clients)) {
    report.violations.push_back("slow-reader: " + std::to_string(report.round_trips) + " uploads verified, expected " +
                                std::to_string(clients));
  }
}

}  // namespace aiostreams::sim::workloads
