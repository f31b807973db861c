// SslContext: Python's ssl.SSLContext, reduced to what streams need (TLS on open_connection,
// start_server and StreamWriter::start_tls). No OpenSSL type appears here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aiostreams/errors.hpp"

namespace aiostreams {

namespace detail {
struct SslContextAccess;
}  // namespace detail

/// Python's ssl.SSLError: a TLS protocol or configuration error. An OSError with EPROTO;
/// what() is OpenSSL's reason, e.g. "[SSL] wrong version number".
class SSLError : public OSError {
 public:
  explicit SSLError(const std::string& message);
};

/// Python's ssl.SSLCertVerificationError: the peer's certificate was rejected.
/// what() reads "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: <reason>", e.g.
/// "... Hostname mismatch, certificate is not valid for 'example.com'" or "... unable to get
/// local issuer certificate". verify_code() is OpenSSL's X509_V_ERR_* value.
class SSLCertVerificationError : public SSLError {
 public:
  SSLCertVerificationError(long verify_code, const std::string& verify_message);
  long verify_code() const noexcept { return verify_code_; }
  const std::string& verify_message() const noexcept { return verify_message_; }

 private:
  long verify_code_;
  std::string verify_message_;
};

/// A TLS connection's get_extra_info() keys, besides the socket's ("peername", "sockname",
/// "socket"), all still readable after close:
///   "sslcontext"   std::shared_ptr<SslContext>   the context it was made with (set from the
///                                                start: StreamReaderProtocol's "over TLS" test)
///   "peercert"     PeerCertificate               empty when the peer sent none; only
///                                                `pem` when verification was off (Python's {})
///   "cipher"       std::string                   OpenSSL's name, "TLS_AES_256_GCM_SHA384"
///   "tls_version"  std::string                   "TLSv1.3" (an aiostreams extension)
///   "compression"  empty                         TLS compression is never used (Python's None)
/// There is no "ssl_object": no OpenSSL type is exposed.
///
/// What get_extra_info("peercert") holds (std::any of PeerCertificate) once the handshake
/// is done and the peer sent a certificate (a server always does; a client only when asked).
struct PeerCertificate {
  /// One-line distinguished names, OpenSSL's RFC 2253 form: "CN=localhost,O=Test".
  std::string subject;
  std::string issuer;
  /// Validity, as Python's getpeercert(): "Jun  1 12:00:00 2030 GMT".
  std::string not_before;
  std::string not_after;
  /// subjectAltName entries: "DNS:localhost", "IP Address:127.0.0.1".
  std::vector<std::string> subject_alt_names;
  /// The certificate itself, PEM encoded.
  std::string pem;
};

/// A TLS configuration shared by any number of connections (always held by
/// std::shared_ptr). Changing it affects connections made afterwards.
///
/// - client(): Python's SSLContext(PROTOCOL_TLS_CLIENT): verifies the server's certificate
///   and its host name, but trusts nothing yet: call load_verify_locations() or
///   set_default_verify_paths().
/// - create_default_client(): client() trusting the system store (ssl.create_default_context()).
/// - server(): SSLContext(PROTOCOL_TLS_SERVER): needs load_cert_chain(); does not ask the
///   client for a certificate unless set_verify(true).
///
/// TLS 1.2 is the minimum version; renegotiation is disabled.
class SslContext {
 public:
  /// Throws SSLError if OpenSSL cannot make a context.
  static std::shared_ptr<SslContext> client();
  static std::shared_ptr<SslContext> server();
  /// client() with the system trust store (also throws SSLError if it cannot be loaded).
  static std::shared_ptr<SslContext> create_default_client();

  ~SslContext();
  SslContext(const SslContext&) = delete;
  SslContext& operator=(const SslContext&) = delete;

  /// Loads our certificate chain (PEM, leaf first) and its private key (PEM; an empty keyfile
  /// means the key is in certfile). Throws OSError (FileNotFoundError-like, errno kept) naming
  /// the file when one cannot be read, SSLError naming the file when it is not valid PEM, or
  /// SSLError("... key values mismatch") when the key does not belong to the certificate.
  void load_cert_chain(const std::string& certfile, const std::string& keyfile = {});
  /// Trusts the CA certificates in cafile (PEM). Throws OSError or SSLError naming the file;
  /// ValueError when cafile is empty.
  void load_verify_locations(const std::string& cafile);
  /// Trusts the system store (OpenSSL's default paths). Throws SSLError.
  void set_default_verify_paths();

  /// Whether the peer must present a valid certificate (Python's CERT_REQUIRED vs CERT_NONE).
  /// On a server, true asks the client for one and fails without it. Throws
  /// ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.") when
  /// turning verification off while check_hostname() is on.
  void set_verify(bool required);
  bool verify() const noexcept;
  /// Whether a client checks the server's certificate against server_hostname (a DNS name
  /// or an IP address). Turning it on turns verification on too, as in Python.
  void set_check_hostname(bool check);
  bool check_hostname() const noexcept;
  /// True for server().
  bool is_server() const noexcept;

 private:
  friend struct detail::SslContextAccess;
  struct Impl;
  explicit SslContext(bool server);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiostreams
