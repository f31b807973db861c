// TLS on every loop, the AsioLoop over loopback and the SimLoop (client and server on its one
// host): SslContext, open_connection/start_server with ssl, the TLS transport's contract, and
// StreamWriter::start_tls. The CA and certificates are made at test time
// (test_certificates.hpp). sim_tls_test.cpp adds TLS between simulated hosts under faults.
#include <unistd.h>

#include <algorithm>
#include <any>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"
#include "support/bounded_run.hpp"
#include "support/echo_handlers.hpp"
#include "support/test_certificates.hpp"

using aiostreams::AsioLoop;
using aiostreams::Server;
using aiostreams::SslContext;
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::testing::echo_lines;
using aiostreams::testing::run_bounded;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;
using ContextPtr = std::shared_ptr<SslContext>;
using aiostreams::testing::certificates;
using aiostreams::testing::client_context;
using aiostreams::testing::server_context;

namespace {

// ---- helpers ------------------------------------------------------------------------------

// The loops every connection case runs on (GENERATE over "asio" and "sim").
std::unique_ptr<aiostreams::Loop> make_loop(const std::string& backend) {
  if (backend == "sim") return std::make_unique<aiostreams::sim::SimLoop>(1);
  return std::make_unique<AsioLoop>();
}

// The loop's exception handler, recording messages (and the what() of their exceptions).
struct Reports {
  std::vector<std::string> messages;
  std::vector<std::string> errors;
  void install(aiostreams::Loop& loop) {
    loop.set_exception_handler([this](const aiostreams::ExceptionContext& context) {
      messages.push_back(context.message);
      errors.push_back(aiostreams::describe_exception(context.exception));
    });
  }
};

// Waits (bounded) until `count` reports arrived.
Task<void> wait_for_reports(const Reports& reports, std::size_t count) {
  for (int i = 0; i < 400 && reports.messages.size() < count; ++i) co_await aiostreams::sleep(0.005);
}

int first_port(const Server& server) { return server.sockets().at(0).port; }

aiostreams::ServerOptions tls_server_options(ContextPtr context, double handshake_timeout = 60.0) {
  aiostreams::ServerOptions options;
  options.ssl = std::move(context);
  options.ssl_handshake_timeout = handshake_timeout;
  return options;
}

// An empty server_hostname leaves the option unset: the host is used.
aiostreams::ConnectOptions tls_options(ContextPtr context, std::string server_hostname = {},
                                       double handshake_timeout = 60.0) {
  aiostreams::ConnectOptions options;
  options.ssl = std::move(context);
  if (!server_hostname.empty()) options.server_hostname = std::move(server_hostname);
  options.ssl_handshake_timeout = handshake_timeout;
  return options;
}

// What open_connection threw: the exception's what(), and its kind.
struct Failure {
  bool thrown = false;
  bool cert_verification = false;
  bool ssl_error = false;
  bool connection_error = false;
  long verify_code = 0;
  std::string what;
};

Task<Failure> connect_failure(const std::string& host, int port, const aiostreams::ConnectOptions& options) {
  Failure failure;
  try {
    auto pair = co_await aiostreams::open_connection(host, port, options);
    pair.second->close();
  } catch (const aiostreams::SSLCertVerificationError& e) {
    failure = {true, true, true, false, e.verify_code(), e.what()};
  } catch (const aiostreams::SSLError& e) {
    failure = {true, false, true, false, 0, e.what()};
  } catch (const aiostreams::ConnectionError& e) {
    failure = {true, false, false, true, 0, e.what()};
  } catch (const std::exception& e) {
    failure = {true, false, false, false, 0, e.what()};
  }
  co_return failure;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ---- SslContext ---------------------------------------------------------------------------

// ---- connections --------------------------------------------------------------------------

namespace {
struct SeenByServer {
  std::any sslcontext;
  std::any peercert;
  std::any cipher;
  std::any peername;
  bool can_write_eof = true;
};
}  // namespace

TEST_CASE("an echo server over TLS answers a verifying client, by name and by IP address", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto seen = std::make_shared<SeenByServer>();
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    auto handler = [seen](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      seen->sslcontext = writer->get_extra_info("sslcontext");
      seen->peercert = writer->get_extra_info("peercert");
      seen->cipher = writer->get_extra_info("cipher");
      seen->peername = writer->get_extra_info("peername");
      seen->can_write_eof = writer->can_write_eof();
      co_await echo_lines(std::move(reader), std::move(writer));
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0, tls_server_options(server_ctx));
    const int port = first_port(*server);
    for (const char* name : {"localhost", ""}) {  // "": server_hostname defaults to the host, 127.0.0.1
      auto options = tls_options(client_ctx, name);
      auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", port, options);
      writer->write("hello over tls\n");
      co_await writer->drain();
      std::string line = co_await reader->readline();
      CHECK(line == "hello over tls\n");

      // The client's extra info.
      CHECK(std::any_cast<ContextPtr>(writer->get_extra_info("sslcontext")) == client_ctx);
      const auto cert = std::any_cast<aiostreams::PeerCertificate>(writer->get_extra_info("peercert"));
      CHECK(contains(cert.subject, "CN=localhost"));
      CHECK(contains(cert.issuer, "CN=aiostreams test ca"));
      CHECK(contains(cert.not_after, "GMT"));
      CHECK(contains(cert.pem, "-----BEGIN CERTIFICATE-----"));
      CHECK(std::find(cert.subject_alt_names.begin(), cert.subject_alt_names.end(), "DNS:localhost") !=
            cert.subject_alt_names.end());
      CHECK(std::find(cert.subject_alt_names.begin(), cert.subject_alt_names.end(), "IP Address:127.0.0.1") !=
            cert.subject_alt_names.end());
      CHECK_FALSE(std::any_cast<std::string>(writer->get_extra_info("cipher")).empty());
      CHECK(contains(std::any_cast<std::string>(writer->get_extra_info("tls_version")), "TLSv1."));
      CHECK_FALSE(writer->get_extra_info("compression").has_value());
      CHECK(std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("peername")).port == port);
      CHECK(std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("sockname")).host == "127.0.0.1");
      if (dynamic_cast<AsioLoop*>(&loop) != nullptr) {
        CHECK(std::any_cast<int>(writer->get_extra_info("socket")) >= 0);
      } else {
        CHECK_FALSE(writer->get_extra_info("socket").has_value());  // a simulated socket has no descriptor
      }

      writer->close();
      CHECK(writer->is_closing());
      co_await writer->wait_closed();
      // Values stay readable after close.
      CHECK(writer->get_extra_info("peercert").has_value());
      CHECK(writer->get_extra_info("peername").has_value());
    }
    co_await server->aclose();
  });
  // The server's view: its context, no client certificate, a cipher, the client's address.
  CHECK(std::any_cast<ContextPtr>(seen->sslcontext) == server_ctx);
  CHECK_FALSE(seen->peercert.has_value());
  CHECK(seen->cipher.has_value());
  CHECK(std::any_cast<aiostreams::SocketAddress>(seen->peername).host == "127.0.0.1");
  CHECK_FALSE(seen->can_write_eof);
}

TEST_CASE("a hostname mismatch fails the client with a clear error and is reported by the server", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  Reports reports;
  reports.install(loop);
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "example.com");
    Failure failure = co_await connect_failure("127.0.0.1", first_port(*server), options);
    CHECK(failure.cert_verification);
    CHECK(failure.what ==
          "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid "
          "for 'example.com'.");
    // By IP address: the certificate names 127.0.0.1, not 127.0.0.2.
    auto by_ip = tls_options(client_ctx, "127.0.0.2");
    Failure ip_failure = co_await connect_failure("127.0.0.1", first_port(*server), by_ip);
    CHECK(ip_failure.cert_verification);
    CHECK(contains(ip_failure.what, "IP address mismatch, certificate is not valid for '127.0.0.2'"));
    co_await wait_for_reports(reports, 2);
    co_await server->aclose();
  });
  REQUIRE(reports.messages.size() == 2);
  CHECK(reports.messages[0] == "SSL handshake failed");
  CHECK(contains(reports.errors[0], "certificate"));  // the client's alert: bad certificate
}

TEST_CASE("a server certificate from an untrusted CA fails verification", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  Reports reports;
  reports.install(loop);
  auto server_ctx = server_context();
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_context(certificates().other_ca), "localhost");
    Failure failure = co_await connect_failure("127.0.0.1", first_port(*server), options);
    CHECK(failure.cert_verification);
    CHECK(failure.verify_code != 0);
    CHECK(failure.what ==
          "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate");
    // With no trust at all, the same.
    auto no_ca = tls_options(SslContext::client(), "localhost");
    Failure none = co_await connect_failure("127.0.0.1", first_port(*server), no_ca);
    CHECK(none.cert_verification);
    // Verification off: it connects.
    auto lax = SslContext::client();
    lax->set_check_hostname(false);
    lax->set_verify(false);
    auto lax_options = tls_options(lax);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), lax_options);
    // Nothing was verified, so nothing is described (Python: getpeercert() == {}), but the
    // certificate itself is there.
    const auto unverified = std::any_cast<aiostreams::PeerCertificate>(writer->get_extra_info("peercert"));
    CHECK(unverified.subject.empty());
    CHECK(unverified.subject_alt_names.empty());
    CHECK(contains(unverified.pem, "-----BEGIN CERTIFICATE-----"));
    writer->write("ok\n");
    std::string line = co_await reader->readline();
    CHECK(line == "ok\n");
    writer->close();
    co_await writer->wait_closed();
    co_await wait_for_reports(reports, 2);
    co_await server->aclose();
  });
  CHECK(reports.messages.size() == 2);
}

TEST_CASE("a plain client to a TLS server, and TLS options without ssl, fail", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  Reports reports;
  reports.install(loop);
  auto server_ctx = server_context();
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, tls_server_options(server_ctx));
    aiostreams::ConnectOptions hostname_only;
    hostname_only.server_hostname = "localhost";
    Failure failure = co_await connect_failure("127.0.0.1", first_port(*server), hostname_only);
    CHECK(failure.what == "server_hostname is only meaningful with ssl");
    auto bad_timeout = tls_options(client_context(certificates().ca), "localhost", 0.0);
    Failure timeout_failure = co_await connect_failure("127.0.0.1", first_port(*server), bad_timeout);
    CHECK(timeout_failure.what == "ssl_handshake_timeout should be a positive number, got 0");
    // Plain text at a TLS server: it answers with an alert and drops the connection.
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    writer->write("GET / HTTP/1.0\r\n\r\n");
    co_await writer->drain();
    bool ended = false;
    try {
      std::string answer = co_await reader->read();  // perhaps an alert record, then EOF
      ended = reader->at_eof();
    } catch (const aiostreams::ConnectionError&) {
      ended = true;  // or a reset
    }
    CHECK(ended);
    writer->close();
    co_await wait_for_reports(reports, 1);
    co_await server->aclose();
  });
  REQUIRE(reports.messages.size() == 1);
  CHECK(reports.messages[0] == "SSL handshake failed");
}

TEST_CASE("over TLS can_write_eof is false and write_eof raises NotImplementedError", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "localhost");
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), options);
    CHECK_FALSE(writer->can_write_eof());
    CHECK_THROWS_AS(writer->write_eof(), aiostreams::NotImplementedError);
    CHECK_THROWS_WITH(writer->write_eof(), "SSL doesn't support half-closes");
    CHECK_FALSE(writer->is_closing());
    writer->write("still open\n");
    std::string line = co_await reader->readline();
    CHECK(line == "still open\n");
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

namespace {
struct ServerSide {
  std::string first;
  std::string after;
  bool closing_after_eof = false;
  bool closed = false;
};
}  // namespace

TEST_CASE("the peer's close reaches the reader as EOF and closes the connection", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto side = std::make_shared<ServerSide>();
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    // The server says bye and closes; then it waits for the client's close in turn.
    auto handler = [side](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      side->first = co_await reader->readline();
      writer->write("bye\n");
      writer->close();
      co_await writer->wait_closed();
      side->closed = true;
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "localhost");
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), options);
    writer->write("hi\n");
    std::string line = co_await reader->readline();
    CHECK(line == "bye\n");
    std::string rest = co_await reader->read();
    CHECK(rest.empty());
    CHECK(reader->at_eof());
    // Unlike plain TCP (half-close), the TLS transport closes itself on EOF.
    co_await writer->wait_closed();
    CHECK(writer->is_closing());
    co_await server->aclose();
  });
  CHECK(side->first == "hi\n");
  CHECK(side->closed);
}

TEST_CASE("the client's close reaches the server's reader as EOF", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto side = std::make_shared<ServerSide>();
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    auto handler = [side](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      side->first = co_await reader->read();  // to EOF
      side->closing_after_eof = writer->is_closing();
      co_await writer->wait_closed();
      side->closed = true;
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "localhost");
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), options);
    writer->write("all of it");
    writer->close();
    co_await writer->wait_closed();
    for (int i = 0; i < 400 && !side->closed; ++i) co_await aiostreams::sleep(0.005);
    co_await server->aclose();
  });
  CHECK(side->first == "all of it");
  CHECK(side->closing_after_eof);
  CHECK(side->closed);
}

namespace {
Task<void> write_all(WriterPtr writer, const std::string* data) {
  for (std::size_t at = 0; at < data->size(); at += 100000) {
    writer->write(std::string_view(*data).substr(at, 100000));
    co_await writer->drain();
  }
}
}  // namespace

TEST_CASE("4 MiB through a TLS echo arrive intact, with write backpressure", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    // The echo reads slowly, so that both sides' buffers fill and writing pauses.
    auto handler = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      for (;;) {
        std::string chunk = co_await reader->read(65536);
        if (chunk.empty()) break;
        writer->write(chunk);
        co_await writer->drain();
      }
      writer->close();
      co_await writer->wait_closed();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "localhost");
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), options);
    std::string data(4 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7919) >> 3);
    auto sender = aiostreams::create_task(loop, write_all(writer, &data));
    std::string echoed = co_await reader->readexactly(static_cast<std::int64_t>(data.size()));
    co_await sender;
    CHECK(echoed == data);
    CHECK(writer->transport()->get_write_buffer_size() == 0);
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("TLS over a Unix socket needs a server_hostname and then echoes", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  const std::string path = (certificates().dir / "tls.sock").string();
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_unix_server(echo_lines, path, tls_server_options(server_ctx));
    auto no_name = tls_options(client_ctx);
    bool refused = false;
    try {
      auto pair = co_await aiostreams::open_unix_connection(path, no_name);
    } catch (const aiostreams::ValueError& e) {
      refused = std::string(e.what()) == "you have to pass server_hostname when using ssl";
    }
    CHECK(refused);
    auto options = tls_options(client_ctx, "localhost");
    auto [reader, writer] = co_await aiostreams::open_unix_connection(path, options);
    writer->write("unix tls\n");
    std::string line = co_await reader->readline();
    CHECK(line == "unix tls\n");
    CHECK(writer->get_extra_info("sslcontext").has_value());
    CHECK(std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("peername")).path == path);
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
}

TEST_CASE("close waits for the peer's close_notify at most ssl_shutdown_timeout", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  auto done = std::make_shared<bool>(false);
  run_bounded(loop, [&]() -> Task<void> {
    // The server stops reading after one line: it never sees our close_notify.
    auto deaf = [done](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      std::string line = co_await reader->readline();
      writer->transport()->pause_reading();
      for (int i = 0; i < 400 && !*done; ++i) co_await aiostreams::sleep(0.005);
      writer->transport()->abort();
    };
    auto server = co_await aiostreams::start_server(deaf, "127.0.0.1", 0, tls_server_options(server_ctx));
    auto options = tls_options(client_ctx, "localhost");
    options.ssl_shutdown_timeout = 0.3;
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server), options);
    writer->write("one line\n");
    co_await writer->drain();
    co_await aiostreams::sleep(0.05);
    const double started = loop.time();
    writer->close();
    std::string what;
    try {
      co_await writer->wait_closed();
    } catch (const aiostreams::TimeoutError& e) {
      what = e.what();
    }
    const double elapsed = loop.time() - started;
    CHECK(what == "SSL shutdown timed out");
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 3.0);
    *done = true;
    co_await server->aclose();
  });
}

// ---- start_tls ----------------------------------------------------------------------------

namespace {
struct Upgrade {
  std::string plain;
  std::string secure;
  bool before = true;  // sslcontext was set before the upgrade (it must not be)
  bool after = false;
};
}  // namespace

TEST_CASE("start_tls upgrades a plain connection on both sides", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto server_side = std::make_shared<Upgrade>();
  auto server_ctx = server_context();
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    // CPython's test_start_tls: a line in plain text, both upgrade, a line over TLS.
    auto handler = [server_side, server_ctx](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      server_side->plain = co_await reader->readline();
      writer->write(server_side->plain);
      server_side->before = writer->get_extra_info("sslcontext").has_value();
      co_await writer->start_tls(server_ctx);
      server_side->after = writer->get_extra_info("sslcontext").has_value();
      server_side->secure = co_await reader->readline();
      writer->write(server_side->secure);
      co_await writer->drain();
      writer->close();
      co_await writer->wait_closed();
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    auto plain_transport = writer->transport();
    writer->write("line1\n");
    std::string line1 = co_await reader->readline();
    CHECK(line1 == "line1\n");
    CHECK_FALSE(writer->get_extra_info("sslcontext").has_value());
    co_await writer->start_tls(client_ctx, "localhost");
    CHECK(std::any_cast<ContextPtr>(writer->get_extra_info("sslcontext")) == client_ctx);
    CHECK(writer->transport() != plain_transport);
    CHECK_FALSE(writer->can_write_eof());
    const auto cert = std::any_cast<aiostreams::PeerCertificate>(writer->get_extra_info("peercert"));
    CHECK(contains(cert.subject, "CN=localhost"));
    writer->write("line2\n");
    std::string line2 = co_await reader->readline();
    CHECK(line2 == "line2\n");
    // The server closes after its echo: EOF, and the connection closes.
    std::string rest = co_await reader->read();
    CHECK(rest.empty());
    writer->close();
    co_await writer->wait_closed();
    co_await server->aclose();
  });
  CHECK(server_side->plain == "line1\n");
  CHECK_FALSE(server_side->before);
  CHECK(server_side->after);
  CHECK(server_side->secure == "line2\n");
}

TEST_CASE("start_tls against a peer that never upgrades fails and closes the connection", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    auto server = co_await aiostreams::start_server(echo_lines, "127.0.0.1", 0);  // plain, echoes our ClientHello
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    bool failed = false;
    std::string what;
    try {
      co_await writer->start_tls(client_ctx, "localhost", 0.5);
    } catch (const std::exception& e) {
      failed = true;
      what = e.what();
    }
    CHECK(failed);
    INFO(what);
    CHECK_FALSE(writer->get_extra_info("sslcontext").has_value());  // the old transport stays
    bool closed_with_error = false;
    try {
      co_await writer->wait_closed();  // and it was closed, with the handshake's error
    } catch (const std::exception&) {
      closed_with_error = true;
    }
    CHECK(closed_with_error);
    // Bad arguments change nothing.
    auto [reader2, writer2] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    bool invalid = false;
    try {
      co_await writer2->start_tls(client_ctx);  // check_hostname without a server_hostname
    } catch (const aiostreams::ValueError& e) {
      invalid = std::string(e.what()) == "check_hostname requires server_hostname";
    }
    CHECK(invalid);
    CHECK_FALSE(writer2->is_closing());
    writer2->write("still plain\n");
    std::string line = co_await reader2->readline();
    CHECK(line == "still plain\n");
    writer2->close();
    co_await writer2->wait_closed();
    co_await server->aclose();
  });
}

// ---- handshake timeouts -------------------------------------------------------------------

TEST_CASE("a handshake with a server that never answers times out", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  auto client_ctx = client_context(certificates().ca);
  run_bounded(loop, [&]() -> Task<void> {
    // A plain server that reads and says nothing.
    auto silent = [](ReaderPtr reader, WriterPtr writer) -> Task<void> {
      std::string all = co_await reader->read();
      writer->close();
    };
    auto server = co_await aiostreams::start_server(silent, "127.0.0.1", 0);
    auto options = tls_options(client_ctx, "localhost", 0.3);
    const double started = loop.time();
    Failure failure = co_await connect_failure("127.0.0.1", first_port(*server), options);
    const double elapsed = loop.time() - started;
    CHECK(failure.connection_error);
    CHECK(failure.what == "SSL handshake is taking longer than 0.3 seconds: aborting the connection");
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 3.0);
    co_await server->aclose();
  });
}

TEST_CASE("a server drops a client that never starts the handshake and reports it", "[tls]") {
  const auto owned_loop = make_loop(GENERATE(as<std::string>{}, "asio", "sim"));
  aiostreams::Loop& loop = *owned_loop;
  Reports reports;
  reports.install(loop);
  auto server_ctx = server_context();
  bool called = false;
  run_bounded(loop, [&]() -> Task<void> {
    auto handler = [&called](ReaderPtr, WriterPtr writer) -> Task<void> {
      called = true;
      writer->close();
      co_return;
    };
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0, tls_server_options(server_ctx, 0.3));
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", first_port(*server));
    const double started = loop.time();
    std::string got;
    try {
      got = co_await reader->read();  // the server drops us: EOF
    } catch (const aiostreams::ConnectionError&) {
      // or a reset
    }
    const double elapsed = loop.time() - started;
    CHECK(got.empty());
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 3.0);
    writer->close();
    co_await wait_for_reports(reports, 1);
    co_await server->aclose();
  });
  CHECK_FALSE(called);
  REQUIRE(reports.messages.size() == 1);
  CHECK(reports.messages[0] == "SSL handshake failed");
  CHECK(reports.errors[0] == "SSL handshake is taking longer than 0.3 seconds: aborting the connection");
}
