// What every backend does with options.ssl, written once: the checks and parameters of a TLS
// client, the TLS wrapping of a server's protocol factory, and the handshake that ends
// create_connection. A backend supplies only its plain transports.
#include <utility>

#include "aiostreams/backend/tls_engine.hpp"
#include "aiostreams/errors.hpp"

namespace aiostreams::detail {

std::optional<TlsParams> client_tls_params(const ConnectOptions& options, const std::string& host) {
  // Loop::create_connection has run asyncio's argument checks (lib/core/src/argument_checks.cpp).
  if (!options.ssl) return std::nullopt;
  TlsParams params{options.ssl,
                   false,
                   options.server_hostname.value_or(host),
                   options.ssl_handshake_timeout.value_or(default_ssl_handshake_timeout),
                   options.ssl_shutdown_timeout.value_or(default_ssl_shutdown_timeout),
                   {}};
  check_tls_params(params);
  return params;
}

ProtocolFactory server_protocol_factory(Loop& loop, ProtocolFactory factory, const ServerOptions& options,
                                        TlsRandomSource random) {
  if (!options.ssl) return factory;
  TlsParams params{options.ssl,
                   true,
                   {},
                   options.ssl_handshake_timeout.value_or(default_ssl_handshake_timeout),
                   options.ssl_shutdown_timeout.value_or(default_ssl_shutdown_timeout),
                   std::move(random)};
  check_tls_params(params);
  return tls_server_factory(loop, std::move(factory), std::move(params));
}

Task<std::shared_ptr<Transport>> connect_tls(Loop& loop, std::shared_ptr<Protocol> app_protocol, TlsParams params,
                                             StartPlainTransport start_plain) {
  Future<std::shared_ptr<Transport>> handshake(loop);
  auto engine = make_tls_protocol(loop, std::move(app_protocol), std::move(params), handshake, true);
  auto plain = start_plain(std::move(engine));
  try {
    co_await handshake;
  } catch (...) {
    plain->close();
    throw;
  }
  co_return handshake.result();
}

}  // namespace aiostreams::detail
