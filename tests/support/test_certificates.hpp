// A test CA and a server certificate (localhost, 127.0.0.1) signed by it, made at test time
// with the openssl command line in a temporary directory removed at exit; and the client and
// server SslContexts the TLS tests use. Shared by every test file that runs TLS.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include "aiostreams/ssl_context.hpp"

namespace aiostreams::testing {

struct Certificates {
  std::filesystem::path dir;
  std::string ca;           // the test CA (trusted by the clients)
  std::string server_cert;  // localhost, 127.0.0.1; signed by the CA
  std::string server_key;
  std::string other_ca;  // a CA that signed nothing we serve
  std::string garbage;   // not PEM

  ~Certificates() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

inline void shell(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    FAIL("command failed: " << command);
  }
}

// Made once per test run (the first caller makes them).
inline const Certificates& certificates() {
  static const Certificates made = [] {
    Certificates c;
    std::string pattern = (std::filesystem::temp_directory_path() / "aiostreams-tls-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    c.dir = pattern;
    const std::string d = c.dir.string() + "/";
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    for (const char* name : {"ca", "other"}) {
      shell("openssl req -x509 " + ec + " -keyout " + d + name + ".key -out " + d + name + ".pem -days 2" +
            " -subj '/CN=aiostreams test " + name + "'" +
            " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
    }
    {
      std::ofstream ext(d + "server.ext");
      ext << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
             "basicConstraints=CA:FALSE\n"
             "keyUsage=critical,digitalSignature\n"
             "extendedKeyUsage=serverAuth\n";
    }
    shell("openssl req " + ec + " -keyout " + d + "server.key -out " + d +
          "server.csr -subj '/O=aiostreams/CN=localhost'");
    shell("openssl x509 -req -in " + d + "server.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
          d + "server.pem -days 2 -extfile " + d + "server.ext");
    {
      std::ofstream garbage(d + "garbage.pem");
      garbage << "this is not a certificate\n";
    }
    c.ca = d + "ca.pem";
    c.server_cert = d + "server.pem";
    c.server_key = d + "server.key";
    c.other_ca = d + "other.pem";
    c.garbage = d + "garbage.pem";
    return c;
  }();
  return made;
}

inline std::shared_ptr<SslContext> server_context() {
  auto context = SslContext::server();
  context->load_cert_chain(certificates().server_cert, certificates().server_key);
  return context;
}

inline std::shared_ptr<SslContext> client_context(const std::string& cafile) {
  auto context = SslContext::client();
  context->load_verify_locations(cafile);
  return context;
}

}  // namespace aiostreams::testing
