// SocketAddress: where a connection's end is, as get_extra_info("peername") gives it.
#pragma once

#include <string>

namespace aiostreams {

/// An endpoint: host and port for TCP (host is a numeric address), or a path for a Unix
/// socket (Linux abstract names start with '\0'). What get_extra_info("peername") and
/// ("sockname") return.
struct SocketAddress {
  std::string host;
  int port = 0;
  std::string path;

  bool is_unix() const noexcept { return host.empty() && !path.empty(); }
  /// "127.0.0.1:8888", "[::1]:8888" or the path.
  std::string to_string() const;
  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

}  // namespace aiostreams
