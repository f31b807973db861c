// asyncio's _ipaddr_info: a host that is already a numeric IP address needs no getaddrinfo.
// Besides being what asyncio does, skipping it keeps Asio's resolver thread from starting:
// once a process has a second thread, every shared_ptr copy becomes an atomic operation and
// every socket call goes through glibc's cancellation wrappers.
#pragma once

#include <sys/socket.h>

#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace aiostreams::detail {

/// The endpoint for `host` if it is an IPv4 or IPv6 literal of an allowed family (AF_UNSPEC:
/// IPv4 first, then IPv6), else nullopt. A zone index ("fe80::1%eth0") goes to getaddrinfo,
/// as in asyncio (inet_pton does not take it).
inline std::optional<asio::generic::stream_protocol::endpoint> numeric_endpoint(const std::string& host, int port,
                                                                                int family) {
  if (host.empty() || host.find('%') != std::string::npos) return std::nullopt;
  std::error_code ec;
  const auto tcp_port = static_cast<unsigned short>(port);
  if (family == AF_UNSPEC || family == AF_INET) {
    const auto v4 = asio::ip::make_address_v4(host, ec);
    if (!ec) return asio::generic::stream_protocol::endpoint(asio::ip::tcp::endpoint(v4, tcp_port));
  }
  if (family == AF_UNSPEC || family == AF_INET6) {
    ec.clear();
    const auto v6 = asio::ip::make_address_v6(host, ec);
    if (!ec) return asio::generic::stream_protocol::endpoint(asio::ip::tcp::endpoint(v6, tcp_port));
  }
  return std::nullopt;
}

}  // namespace aiostreams::detail
