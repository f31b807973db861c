// Private: TLS on the simulated network. The TLS engine (aiostreams::tls) runs over
// SimTransports as over real sockets; what the simulator adds is OpenSSL's randomness drawn
// from the loop's seed, so that a TLS run replays like any other.
#pragma once

#include <optional>
#include <string>

#include "aiostreams/backend/tls_engine.hpp"
#include "net_internal.hpp"

namespace aiostreams::sim {

/// The loop's seeded TLS randomness: bytes from the network's "tls" stream, drawn in the
/// run's deterministic order by every TLS connection of the loop. Each request goes into the
/// digest as ("tls-random", size).
detail::TlsRandomSource tls_random(Network::Impl& net);

/// detail::client_tls_params with the loop's randomness (nullopt without options.ssl).
std::optional<detail::TlsParams> client_tls(Network::Impl& net, const ConnectOptions& options, const std::string& host);

/// detail::server_protocol_factory with the loop's randomness.
ProtocolFactory server_factory(Network::Impl& net, ProtocolFactory factory, const ServerOptions& options);

}  // namespace aiostreams::sim
