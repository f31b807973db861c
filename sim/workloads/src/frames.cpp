// frames: length-prefixed frames read with readexactly(); the server answers each frame
// with a hash of its payload.
#include "common.hpp"
#include "hashing.hpp"

namespace aiostreams::sim::workloads {
namespace {
using detail::timed;

std::string encode_length(std::uint32_t length) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((length >> (24 - 8 * i)) & 0xFF);
  return out;
}

std::uint32_t decode_length(const std::string& header) {
  std::uint32_t length = 0;
  for (unsigned char c : header) length = (length << 8) | c;
  return length;
}

Task<void> frames_handler(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    for (;;) {
      std::string header;
      try {
        header = co_await timed(reader->readexactly(4));
      } catch (const IncompleteReadError& e) {
        if (e.partial().empty()) break;  // a clean EOF between frames
        throw;
      }
      const std::string payload = co_await timed(reader->readexactly(decode_length(header)));
      detail::Fnv1a hash;
      hash.add(payload);
      writer->write(hash.hex());
      co_await timed(writer->drain());
    }
  } catch (...) {
  }
  co_await detail::close_quietly(writer);
}

Task<void> frames_client(int client, int rounds, Prng rng, const Params& params, Report& report) {
  const std::string who = "frames client " + std::to_string(client);
  try {
    auto [reader, writer] = co_await detail::connect_to_server();
    for (int round = 0; round < rounds; ++round) {
      std::string payload(static_cast<std::size_t>(rng.uniform_int(0, 20000)), '\0');
      for (auto& c : payload) c = static_cast<char>(rng.below(256));
      detail::Fnv1a hash;
      hash.add(payload);
      writer->write(encode_length(static_cast<std::uint32_t>(payload.size())));
      writer->write(payload);
      co_await timed(writer->drain());
      const std::string answer = co_await timed(reader->readexactly(16));
      if (answer != hash.hex()) {
        report.violations.push_back(who + ": round " + std::to_string(round) + ": hash " + answer +
                                    " != " + hash.hex());
        break;
      }
      ++report.round_trips;
      report.bytes += payload.size();
    }
    writer->write_eof();
    const std::string rest = co_await timed(reader->read());
    if (!rest.empty()) report.violations.push_back(who + ": unexpected bytes after the last answer");
    co_await detail::close_quietly(writer);
  } catch (...) {
    detail::record_failure(report, params, who, std::current_exception());
  }
}
}  // namespace

Task<void> run_frames(SimLoop& loop, const Params& params, Report& report) {
  const int clients = params.clients > 0 ? params.clients : 2;
  const int rounds = params.rounds > 0 ? params.rounds : 30;
  auto server = co_await detail::serve(loop, frames_handler);
  Prng rng = loop.rng().fork("workload");
  std::vector<Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(spawn_on(loop, "client-" + std::to_string(i),
                             frames_client(i, rounds, rng.fork(std::to_string(i)), params, report)));
  }
  for (auto& task : tasks) co_await task;
  co_await detail::shut_down(server);
  if (!params.faults && report.round_trips != static_cast<std::uint64_t>(clients) * rounds) {
    report.violations.push_back("frames: " + std::to_string(report.round_trips) + " round trips completed, expected " +
                                std::to_string(clients * rounds));
  }
}

}  // namespace aiostreams::sim::workloads
