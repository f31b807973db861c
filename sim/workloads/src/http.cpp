// http: HTTP/1.1-style keep-alive requests and responses: headers read with
// readuntil("\r\n\r\n"), bodies with readexactly(Content-Length).
#include <optional>

#include "common.hpp"
#include "hashing.hpp"

namespace aiostreams::sim::workloads {
namespace {
using detail::timed;

// The Content-Length of a header block, or nullopt if it has none or it is malformed.
std::optional<std::size_t> content_length(const std::string& head) {
  const std::string key = "\r\nContent-Length: ";
  const auto at = head.find(key);
  if (at == std::string::npos) return std::nullopt;
  std::size_t value = 0;
  std::size_t i = at + key.size();
  if (i >= head.size() || head[i] < '0' || head[i] > '9') return std::nullopt;
  for (; i < head.size() && head[i] >= '0' && head[i] <= '9'; ++i)
    value = value * 10 + static_cast<std::size_t>(head[i] - '0');
  return value;
}

Task<void> http_handler(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    for (;;) {
      std::string head;
      try {
        head = co_await timed(reader->readuntil("\r\n\r\n"));
      } catch (const IncompleteReadError& e) {
        if (e.partial().empty()) break;  // the client closed between requests
        throw;
      }
      const auto length = content_length(head);
      if (!length) {
        writer->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        break;
      }
      const std::string body = co_await timed(reader->readexactly(static_cast<std::int64_t>(*length)));
      detail::Fnv1a hash;
      hash.add(body);
      const std::string response_body = hash.hex();
      writer->write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(response_body.size()) + "\r\n\r\n" +
                    response_body);
      co_await timed(writer->drain());
    }
  } catch (...) {
  }
  co_await detail::close_quietly(writer);
}

Task<void> http_client(int client, int rounds, Prng rng, const Params& params, Report& report) {
  const std::string who = "http client " + std::to_string(client);
  try {
    auto [reader, writer] = co_await detail::connect_to_server();
    for (int round = 0; round < rounds; ++round) {
      std::string body(static_cast<std::size_t>(rng.uniform_int(0, 5000)), '\0');
      for (auto& c : body) c = static_cast<char>(' ' + rng.below(95));
      detail::Fnv1a hash;
      hash.add(body);
      writer->write("POST /items/" + std::to_string(round) + " HTTP/1.1\r\nHost: server\r\nX-Client: " +
                    std::to_string(client) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
      co_await timed(writer->drain());
      const std::string head = co_await timed(reader->readuntil("\r\n\r\n"));
      const auto length = content_length(head);
      if (head.rfind("HTTP/1.1 200 OK\r\n", 0) != 0 || !length) {
        report.violations.push_back(who + ": round " + std::to_string(round) + ": bad response head");
        break;
      }
      const std::string answer = co_await timed(reader->readexactly(static_cast<std::int64_t>(*length)));
      if (answer != hash.hex()) {
        report.violations.push_back(who + ": round " + std::to_string(round) + ": body hash " + answer +
                                    " != " + hash.hex());
        break;
      }
      ++report.round_trips;
      report.bytes += body.size();
    }
    co_await detail::close_quietly(writer);
  } catch (...) {
    detail::record_failure(report, params, who, std::current_exception());
  }
}
}  // namespace

Task<void> run_http(SimLoop& loop, const Params& params, Report& report) {
  const int clients = params.clients > 0 ? params.clients : 3;
  const int rounds = params.rounds > 0 ? params.rounds : 20;
  auto server = co_await detail::serve(loop, http_handler);
  Prng rng = loop.rng().fork("workload");
  std::vector<Future<void>> tasks;
  for (int i = 0; i < clients; ++i) {
    tasks.push_back(spawn_on(loop, "client-" + std::to_string(i),
                             http_client(i, rounds, rng.fork(std::to_string(i)), params, report)));
  }
  for (auto& task : tasks) co_await task;
  co_await detail::shut_down(server);
  if (!params.faults && report.round_trips != static_cast<std::uint64_t>(clients) * rounds) {
    report.violations.push_back("http: " + std::to_string(report.round_trips) + " requests completed, expected " +
                                std::to_string(clients * rounds));
  }
}

}  // namespace aiostreams::sim::workloads
