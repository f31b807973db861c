#include "aiostreams/socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "aiostreams/detail/python_format.hpp"
#include "aiostreams/errors.hpp"

namespace aiostreams {

// The one descriptor all copies of a Socket share.
struct Socket::Descriptor {
  explicit Descriptor(int descriptor) : fd(descriptor) {}
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int fd;
};

namespace {

// Python's OSError for the current errno: str(e) is "[Errno 32] Broken pipe".
[[noreturn]] void raise_errno(int code) { std::rethrow_exception(make_os_error(code, detail::os_error_message(code))); }

int socket_option(int fd, int option) {
  if (fd < 0) raise_errno(EBADF);
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) raise_errno(errno);
  return value;
}

// A socket name as Python's repr(sock) shows it (str() of getsockname()): an address tuple's
// repr, a path as it is, an abstract name as bytes; "" when there is none.
std::string name_text(int fd, bool peer) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  auto* address = reinterpret_cast<sockaddr*>(&storage);
  if ((peer ? ::getpeername(fd, address, &length) : ::getsockname(fd, address, &length)) != 0) return {};
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return detail::address_repr(SocketAddress{text, ntohs(in->sin_port), ""});
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return detail::address_repr(SocketAddress{text, ntohs(in6->sin6_port), ""});
  }
  if (address->sa_family != AF_UNIX) return {};
  const auto* un = reinterpret_cast<const sockaddr_un*>(address);
  const std::size_t offset = offsetof(sockaddr_un, sun_path);
  if (length <= offset) return {};
  const std::size_t size = length - offset;
  if (un->sun_path[0] == '\0') return "b" + detail::python_repr(std::string_view(un->sun_path, size));
  return std::string(un->sun_path, ::strnlen(un->sun_path, size));
}

}  // namespace

Socket Socket::adopt(int fd) {
  if (fd < 0) throw ValueError("negative file descriptor: " + std::to_string(fd));
  return Socket(std::make_shared<Descriptor>(fd));
}

int Socket::fileno() const noexcept { return descriptor_ ? descriptor_->fd : -1; }

int Socket::family() const { return socket_option(fileno(), SO_DOMAIN); }

int Socket::type() const { return socket_option(fileno(), SO_TYPE); }

std::size_t Socket::send(std::string_view data) {
  const int fd = fileno();
  if (fd < 0) raise_errno(EBADF);
  for (;;) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<std::size_t>(sent);
    if (errno != EINTR) raise_errno(errno);  // retried on EINTR, as Python does (PEP 475)
  }
}

std::string Socket::recv(std::size_t n) {
  const int fd = fileno();
  if (fd < 0) raise_errno(EBADF);
  std::string data(n, '\0');
  for (;;) {
    const ssize_t got = ::recv(fd, data.data(), n, 0);
    if (got >= 0) {
      data.resize(static_cast<std::size_t>(got));
      return data;
    }
    if (errno != EINTR) raise_errno(errno);
  }
}

void Socket::close() noexcept {
  if (!descriptor_ || descriptor_->fd < 0) return;
  ::close(descriptor_->fd);
  descriptor_->fd = -1;
}

int Socket::detach() noexcept {
  if (!descriptor_) return -1;
  const int fd = descriptor_->fd;
  descriptor_->fd = -1;
  return fd;
}

std::string Socket::repr() const {
  const int fd = fileno();
  if (fd < 0) return "<socket.socket [closed] fd=-1>";
  std::string text = "<socket.socket fd=" + std::to_string(fd);
  try {
    // Python 3.11 prints the family and type enums as numbers.
    text += ", family=" + std::to_string(family()) + ", type=" + std::to_string(type()) +
            ", proto=" + std::to_string(socket_option(fd, SO_PROTOCOL));
  } catch (const OSError&) {
    return text + ">";  // not a socket (or no longer one): the descriptor alone says which it is
  }
  if (const std::string local = name_text(fd, false); !local.empty()) text += ", laddr=" + local;
  if (const std::string remote = name_text(fd, true); !remote.empty()) text += ", raddr=" + remote;
  return text + ">";
}

std::pair<Socket, Socket> socketpair(int family) {
  int fds[2] = {-1, -1};
  if (::socketpair(family, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) raise_errno(errno);
  return {Socket::adopt(fds[0]), Socket::adopt(fds[1])};
}

}  // namespace aiostreams
