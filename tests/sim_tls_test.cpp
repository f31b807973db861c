// TLS on the simulator: ssl= and StreamWriter::start_tls between simulated hosts, under the
// swarm's faults, with the determinism self-check over many seeds. OpenSSL's randomness comes
// from the seed (sim_tls.cpp), so the TLS records' lengths, and with them the schedule and the
// digest, replay. The backend-generic TLS cases run on the simulator in tls_test.cpp.
#include <any>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sim/determinism.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"
#include "support/echo_handlers.hpp"
#include "support/test_certificates.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

namespace {

constexpr int kPort = 8443;
constexpr int kClients = 3;
constexpr int kLines = 4;
constexpr double kHandshakeTimeout = 2.0;
constexpr double kBound = 5.0;  // virtual seconds any one step may take before we give up
// Seeds per determinism sweep: each seed runs twice.
constexpr std::uint64_t kSeeds = 150;

// The contexts every run shares (loading PEM files is the slow part). The server's certificate
// is ECDSA: its signatures' DER length varies with the nonce, so the handshake's lengths depend
// on OpenSSL's randomness.
struct Contexts {
  std::shared_ptr<aiostreams::SslContext> server = aiostreams::testing::server_context();
  std::shared_ptr<aiostreams::SslContext> client =
      aiostreams::testing::client_context(aiostreams::testing::certificates().ca);
};

const Contexts& contexts() {
  static const Contexts made;
  return made;
}

ServerOptions tls_server_options() {
  ServerOptions options;
  options.ssl = contexts().server;
  options.ssl_handshake_timeout = kHandshakeTimeout;
  return options;
}

// What the clients of one run saw.
struct Tally {
  int echoed = 0;                     // clients whose every line came back
  int failed = 0;                     // clients that gave up (a fault, a timeout)
  int corrupt = 0;                    // a complete line that came back different: never acceptable
  std::map<std::string, int> errors;  // failures by kind

  bool operator==(const Tally&) const = default;
};

std::string kind_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const aiostreams::SSLError&) {
    return "SSLError";
  } catch (const aiostreams::TimeoutError&) {
    return "TimeoutError";
  } catch (const aiostreams::ConnectionError&) {
    return "ConnectionError";
  } catch (const aiostreams::IncompleteReadError&) {
    return "IncompleteReadError";
  } catch (const aiostreams::OSError&) {
    return "OSError";
  } catch (const std::exception&) {
    return "other";
  }
}

// Sends kLines lines and checks each echo. A line cut short by EOF is a failure, not a
// corruption.
Task<void> echo_some_lines(int id, StreamReader& reader, StreamWriter& writer, Tally& tally) {
  for (int k = 0; k < kLines; ++k) {
    const std::string line = "client " + std::to_string(id) + " line " + std::to_string(k) + "\n";
    writer.write(line);
    const std::string echoed = co_await aiostreams::wait_for(reader.readline(), kBound);
    if (echoed.empty() || echoed.back() != '\n') throw aiostreams::IncompleteReadError(echoed, std::nullopt);
    if (echoed != line) ++tally.corrupt;
  }
  ++tally.echoed;
  // Closing may fail under faults (no close_notify back): the echo is what we checked.
  writer.close();
  try {
    co_await aiostreams::wait_for(writer.wait_closed(), kBound);
  } catch (const std::exception&) {
  }
}

void count_failure(Tally& tally, const WriterPtr& writer) {
  ++tally.failed;
  ++tally.errors[kind_of(std::current_exception())];
  if (writer) writer->transport()->abort();
}

// ---- the ssl= workload ----------------------------------------------------------------------

Task<void> tls_echo_client(int id, Tally& tally) {
  WriterPtr writer;
  try {
    ConnectOptions options;
    options.ssl = contexts().client;
    options.server_hostname = "localhost";  // the certificate's name; the host is "server"
    options.ssl_handshake_timeout = kHandshakeTimeout;
    auto [reader, opened] =
        co_await aiostreams::wait_for(aiostreams::open_connection("server", kPort, options), kBound);
    writer = opened;
    co_await echo_some_lines(id, *reader, *writer, tally);
  } catch (const std::exception&) {
    count_failure(tally, writer);
  }
}

// kClients hosts echo lines over TLS with "server" under the seed's swarm of faults.
Task<void> tls_echo_workload(SimLoop& loop, Tally& tally) {
  loop.network().enable_swarm();
  auto server = co_await spawn_on(
      loop, "server", aiostreams::start_server(aiostreams::testing::echo_lines, "", kPort, tls_server_options()));
  std::vector<aiostreams::Future<void>> clients;
  for (int id = 0; id < kClients; ++id) {
    clients.push_back(spawn_on(loop, "client-" + std::to_string(id), tls_echo_client(id, tally)));
  }
  for (auto& client : clients) co_await client;
  server->close();
}

// ---- the start_tls workload -----------------------------------------------------------------

// The server's side of a STARTTLS exchange: "STARTTLS\n" in plain text, "GO\n", then both
// upgrade and the lines are echoed over TLS.
Task<void> starttls_server(ReaderPtr reader, WriterPtr writer) {
  const std::string hello = co_await reader->readline();
  if (hello != "STARTTLS\n") {
    writer->close();
    co_return;
  }
  writer->write("GO\n");
  co_await writer->start_tls(contexts().server, std::nullopt, kHandshakeTimeout);
  co_await aiostreams::testing::echo_lines(std::move(reader), std::move(writer));
}

Task<void> starttls_client(int id, Tally& tally) {
  WriterPtr writer;
  try {
    auto [reader, opened] = co_await aiostreams::wait_for(aiostreams::open_connection("server", kPort), kBound);
    writer = opened;
    writer->write("STARTTLS\n");
    const std::string go = co_await aiostreams::wait_for(reader->readline(), kBound);
    if (go != "GO\n") throw aiostreams::IncompleteReadError(go, std::nullopt);
    co_await aiostreams::wait_for(writer->start_tls(contexts().client, "localhost", kHandshakeTimeout), kBound);
    co_await echo_some_lines(id, *reader, *writer, tally);
  } catch (const std::exception&) {
    count_failure(tally, writer);
  }
}

Task<void> starttls_workload(SimLoop& loop, Tally& tally) {
  loop.network().enable_swarm();
  auto server = co_await spawn_on(loop, "server", aiostreams::start_server(starttls_server, "", kPort));
  std::vector<aiostreams::Future<void>> clients;
  for (int id = 0; id < kClients; ++id) {
    clients.push_back(spawn_on(loop, "client-" + std::to_string(id), starttls_client(id, tally)));
  }
  for (auto& client : clients) co_await client;
  server->close();
}

// ---- the sweep --------------------------------------------------------------------------------

using TlsWorkload = Task<void> (*)(SimLoop&, Tally&);

// Runs the self-check on seeds [0, kSeeds): every seed must replay exactly, both runs must see
// the same outcome, and no line may ever come back altered. Returns the first runs' totals.
Tally sweep(TlsWorkload workload) {
  Tally total;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    std::array<Tally, 2> runs;
    std::size_t run = 0;
    const auto report =
        aiostreams::sim::check_determinism(seed, [&](SimLoop& loop) { return workload(loop, runs.at(run++)); });
    INFO(report.to_string());
    REQUIRE(report.deterministic);
    REQUIRE(run == 2);
    CHECK(runs[0] == runs[1]);
    CHECK(runs[0].corrupt == 0);
    total.echoed += runs[0].echoed;
    total.failed += runs[0].failed;
    for (const auto& [kind, count] : runs[0].errors) total.errors[kind] += count;
  }
  return total;
}

std::string describe(const Tally& tally) {
  std::string text = "echoed " + std::to_string(tally.echoed) + ", failed " + std::to_string(tally.failed) + ":";
  for (const auto& [kind, count] : tally.errors) text += " " + kind + "=" + std::to_string(count);
  return text;
}

}  // namespace

TEST_CASE("a TLS echo between simulated hosts verifies the server and draws its randomness from the seed",
          "[tls][sim]") {
  auto run_once = [](std::uint64_t seed, std::string* cipher) {
    SimLoop loop(seed);
    loop.set_trace(true);
    auto main = [&]() -> Task<void> {
      auto server = co_await spawn_on(
          loop, "server", aiostreams::start_server(aiostreams::testing::echo_lines, "", kPort, tls_server_options()));
      ConnectOptions options;
      options.ssl = contexts().client;
      options.server_hostname = "localhost";
      auto [reader, writer] =
          co_await spawn_on(loop, "client-1", aiostreams::open_connection("server", kPort, options));
      writer->write("hello over simulated tls\n");
      const std::string line = co_await reader->readline();
      CHECK(line == "hello over simulated tls\n");
      const auto cert = std::any_cast<aiostreams::PeerCertificate>(writer->get_extra_info("peercert"));
      CHECK(cert.subject.find("CN=localhost") != std::string::npos);
      CHECK(std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("peername")).host == "127.0.0.2");
      *cipher = std::any_cast<std::string>(writer->get_extra_info("cipher"));
      writer->close();
      co_await writer->wait_closed();
      server->close();
    };
    aiostreams::run(loop, main());
    int draws = 0;
    for (const auto& event : loop.trace()) draws += event.description.rfind("tls-random ", 0) == 0 ? 1 : 0;
    CHECK(draws > 4);  // both sides' randoms and key shares at least
    return loop.digest();
  };
  std::string cipher;
  const auto first = run_once(11, &cipher);
  CHECK_FALSE(cipher.empty());
  CHECK(run_once(11, &cipher) == first);
  CHECK(run_once(12, &cipher) != first);
}

TEST_CASE("ssl= echoes under a swarm of faults replay exactly on every seed", "[tls][sim]") {
  const Tally total = sweep(tls_echo_workload);
  INFO(describe(total));
  // The faults bite, and TLS still gets through most of the time.
  CHECK(total.failed > 0);
  CHECK(total.echoed > static_cast<int>(kSeeds) * kClients / 3);
}

TEST_CASE("start_tls upgrades under a swarm of faults replay exactly on every seed", "[tls][sim]") {
  const Tally total = sweep(starttls_workload);
  INFO(describe(total));
  CHECK(total.failed > 0);
  CHECK(total.echoed > static_cast<int>(kSeeds) * kClients / 3);
}

TEST_CASE("the simulator still refuses sock= with ssl: NotImplementedError, not something else", "[tls][sim]") {
  SimLoop loop(1);
  bool refused = false;
  auto main = [&]() -> Task<void> {
    auto [ours, theirs] = aiostreams::socketpair();
    ConnectOptions options;
    options.ssl = contexts().client;
    options.server_hostname = "localhost";
    options.sock = ours;
    try {
      co_await aiostreams::open_connection(options);
    } catch (const aiostreams::NotImplementedError&) {
      refused = true;
    }
  };
  aiostreams::run(loop, main());
  CHECK(refused);
}

TEST_CASE("ssl= on the simulator really runs TLS: a plain server fails the handshake, never a plaintext connection",
          "[tls][sim]") {
  SimLoop loop(2);
  std::string outcome;
  auto main = [&]() -> Task<void> {
    // Echoes raw bytes: the client gets its own ClientHello back.
    auto echo_bytes = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      for (std::string data = co_await reader->read(4096); !data.empty(); data = co_await reader->read(4096)) {
        writer->write(data);
      }
      writer->close();
    };
    auto server = co_await aiostreams::start_server(echo_bytes, "127.0.0.1", 0);
    ConnectOptions options;
    options.ssl = contexts().client;
    options.server_hostname = "localhost";
    options.ssl_handshake_timeout = 1.0;
    try {
      auto pair = co_await aiostreams::open_connection("127.0.0.1", server->sockets().at(0).port, options);
      outcome = "connected";
    } catch (const aiostreams::SSLError&) {
      outcome = "SSLError";
    } catch (const std::exception& e) {
      outcome = e.what();
    }
    server->close();
  };
  aiostreams::run(loop, main());
  CHECK(outcome == "SSLError");
}
