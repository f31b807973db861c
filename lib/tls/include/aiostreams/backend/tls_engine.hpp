// The TLS engine (CPython's SSLProtocol) over any Transport: what a backend calls to run TLS on
// its connections. OpenSSL lives only in the tls target; no OpenSSL type appears here.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/future.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace aiostreams::detail {

/// The private door into SslContext.
struct SslContextAccess {
  static ::ssl_ctx_st* native(SslContext& context) noexcept;
  static bool check_hostname(const SslContext& context) noexcept;
};

/// Empties OpenSSL's (thread-local) error queue into one message: "[lib] reason; ...", or
/// `fallback` when it is empty.
std::string take_openssl_errors(const std::string& fallback);

/// Where a connection's TLS randomness comes from: it fills the span with random bytes, or
/// throws to refuse (OpenSSL then fails the call that asked). Empty, the default: OpenSSL's own generator, as
/// production needs. A deterministic loop supplies a seeded source, so that key shares, client and server randoms,
/// signature nonces and ticket IVs, and with them every record's length, replay from the seed.
using TlsRandomSource = std::function<void(std::span<unsigned char> out)>;

/// How one connection runs TLS.
struct TlsParams {
  std::shared_ptr<SslContext> context;
  bool server_side = false;
  /// SNI and the name (or IP address) the certificate must match; clients only.
  std::string server_hostname;
  double handshake_timeout = 60.0;
  double shutdown_timeout = 30.0;
  /// See TlsRandomSource (empty: OpenSSL's randomness).
  TlsRandomSource random{};
};

/// Checks TLS parameters as asyncio does before anything is connected: ValueError for a
/// missing context, a non-positive timeout, or a client that checks host names without one.
void check_tls_params(const TlsParams& params);

/// CPython's SSLProtocol: the protocol of a plain transport that runs TLS over it (OpenSSL
/// with memory BIOs) and presents `app_protocol` with a TLS transport. With
/// call_connection_made, app_protocol.connection_made(tls transport) follows the handshake;
/// `waiter` (if any) gets the TLS transport, or the handshake's error. Without a waiter a
/// failed handshake goes to the loop's exception handler ("SSL handshake failed").
std::shared_ptr<Protocol> make_tls_protocol(Loop& loop, std::shared_ptr<Protocol> app_protocol, TlsParams params,
                                            std::optional<Future<std::shared_ptr<Transport>>> waiter,
                                            bool call_connection_made);

/// A server's protocol factory wrapped so that every accepted connection runs TLS.
ProtocolFactory tls_server_factory(Loop& loop, ProtocolFactory factory, TlsParams params);

/// loop.start_tls: upgrades an open plain transport in place (its protocol becomes the TLS
/// engine; `protocol` keeps receiving the data) and returns the TLS transport once the
/// handshake is done. Throws ValueError for bad options (as check_tls_params) before
/// touching the transport. On failure or cancellation the plain transport is closed.
Task<std::shared_ptr<Transport>> start_tls(Loop& loop, std::shared_ptr<Transport> transport,
                                           std::shared_ptr<Protocol> protocol, std::shared_ptr<SslContext> context,
                                           StartTlsOptions options, TlsRandomSource random);

// ---- what every backend's create_connection / create_server does with options.ssl ----

/// The TLS parameters of a client connection to `host` ("" for a Unix path): nullopt
/// without options.ssl. Throws ValueError as asyncio does, before anything is connected:
/// server_hostname without ssl, ssl without a host or server_hostname, and check_tls_params.
std::optional<TlsParams> client_tls_params(const ConnectOptions& options, const std::string& host);

/// A server's protocol factory, wrapped so that every accepted connection runs TLS when
/// options.ssl is set (unchanged otherwise). Throws ValueError as check_tls_params.
ProtocolFactory server_protocol_factory(Loop& loop, ProtocolFactory factory, const ServerOptions& options,
                                        TlsRandomSource random);

/// Gives a plain transport its protocol and starts it (connection_made follows on the
/// loop); returns the transport.
using StartPlainTransport = std::function<std::shared_ptr<Transport>(std::shared_ptr<Protocol> protocol)>;

/// The end of create_connection with TLS, once the backend has a connected socket:
/// `start_plain` starts the plain transport with the TLS engine around `app_protocol` as its
/// protocol; returns the TLS transport once the handshake is done (app_protocol's
/// connection_made has run). Throws the handshake's error; on failure or cancellation the
/// plain transport is closed.
Task<std::shared_ptr<Transport>> connect_tls(Loop& loop, std::shared_ptr<Protocol> app_protocol, TlsParams params,
                                             StartPlainTransport start_plain);

}  // namespace aiostreams::detail
