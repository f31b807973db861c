#include "aiostreams/ssl_context.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "support/test_certificates.hpp"

using aiostreams::SslContext;
using aiostreams::testing::certificates;
using aiostreams::testing::server_context;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("SslContext defaults follow Python's client and server contexts", "[tls]") {
  auto client = SslContext::client();
  CHECK(client->verify());
  CHECK(client->check_hostname());
  CHECK_FALSE(client->is_server());
  auto server = SslContext::server();
  CHECK_FALSE(server->verify());
  CHECK_FALSE(server->check_hostname());
  CHECK(server->is_server());
  auto system = SslContext::create_default_client();
  CHECK(system->verify());
  CHECK(system->check_hostname());
  // CERT_NONE with check_hostname on is refused; turning check_hostname on turns verify on.
  CHECK_THROWS_AS(client->set_verify(false), aiostreams::ValueError);
  client->set_check_hostname(false);
  client->set_verify(false);
  CHECK_FALSE(client->verify());
  client->set_check_hostname(true);
  CHECK(client->verify());
}

TEST_CASE("SslContext loading errors name the file", "[tls]") {
  const auto& certs = certificates();
  auto context = SslContext::server();
  const std::string missing = (certs.dir / "missing.pem").string();
  try {
    context->load_cert_chain(missing);
    FAIL("no error");
  } catch (const aiostreams::OSError& e) {
    CHECK(e.code().value() == ENOENT);
    CHECK(contains(e.what(), missing));
  }
  try {
    context->load_cert_chain(certs.garbage, certs.server_key);
    FAIL("no error");
  } catch (const aiostreams::SSLError& e) {
    CHECK(contains(e.what(), certs.garbage));
  }
  // A key that is not the certificate's.
  try {
    context->load_cert_chain(certs.server_cert, (certs.dir / "ca.key").string());
    FAIL("no error");
  } catch (const aiostreams::SSLError& e) {
    CHECK(contains(e.what(), "ca.key"));
  }
  try {
    SslContext::client()->load_verify_locations(certs.garbage);
    FAIL("no error");
  } catch (const aiostreams::SSLError& e) {
    CHECK(contains(e.what(), certs.garbage));
  }
  CHECK_THROWS_AS(SslContext::client()->load_verify_locations(""), aiostreams::ValueError);
  CHECK_NOTHROW(server_context());
}

TEST_CASE("SSLError is an OSError with EPROTO and OpenSSL's reason", "[tls]") {
  const aiostreams::SSLError error("[SSL] wrong version number");
  const aiostreams::OSError& as_os_error = error;
  CHECK(as_os_error.code().value() == EPROTO);
  CHECK(std::string(error.what()) == "[SSL] wrong version number");
}

TEST_CASE("a certificate verification error reads as Python's and keeps OpenSSL's code", "[tls]") {
  const aiostreams::SSLCertVerificationError error(62, "Hostname mismatch, certificate is not valid for 'example.com'");
  CHECK(std::string(error.what()) ==
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "Hostname mismatch, certificate is not valid for 'example.com'");
  CHECK(error.verify_code() == 62);
  CHECK(error.verify_message() == "Hostname mismatch, certificate is not valid for 'example.com'");
  CHECK_THROWS_AS(throw error, aiostreams::SSLError);
}
