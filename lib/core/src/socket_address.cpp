#include "aiostreams/socket_address.hpp"

namespace aiostreams {

std::string SocketAddress::to_string() const {
  if (is_unix()) return path;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace aiostreams
