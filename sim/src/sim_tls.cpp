// TLS on the simulated network: the shared engine over SimTransports, with seeded randomness.
#include "sim_tls.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "aiostreams/errors.hpp"

namespace aiostreams::sim {

detail::TlsRandomSource tls_random(Network::Impl& net) {
  return [&net, alive = net.loop.lifetime()](std::span<unsigned char> out) {
    // A loop being destroyed (or gone) has no randomness left: OpenSSL fails what asked.
    if (alive.expired()) throw RuntimeError("TLS randomness from a closed SimLoop");
    net.loop.record("tls-random", out.size());
    for (std::size_t at = 0; at < out.size(); at += 8) {
      const std::uint64_t bits = net.tls_rng.next_u64();
      std::memcpy(out.data() + at, &bits, std::min<std::size_t>(8, out.size() - at));
    }
  };
}

std::optional<detail::TlsParams> client_tls(Network::Impl& net, const ConnectOptions& options,
                                            const std::string& host) {
  auto params = detail::client_tls_params(options, host);
  if (params) params->random = tls_random(net);
  return params;
}

ProtocolFactory server_factory(Network::Impl& net, ProtocolFactory factory, const ServerOptions& options) {
  return detail::server_protocol_factory(net.loop, std::move(factory), options, tls_random(net));
}

Task<std::shared_ptr<Transport>> SimLoop::start_tls(std::shared_ptr<Transport> transport,
                                                    std::shared_ptr<Protocol> protocol,
                                                    std::shared_ptr<SslContext> sslcontext,
                                                    const StartTlsOptions& options) {
  return detail::start_tls(*this, std::move(transport), std::move(protocol), std::move(sslcontext), options,
                           tls_random(network_->impl()));
}

}  // namespace aiostreams::sim
