#include "aiostreams/socket.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
[[noreturn]] void raise_errno(int code) {
  std::rethrow_exception(make_os_error(code, "[Errno " + std::to_string(code) + "] " + std::strerror(code)));
}

int socket_option(int fd, int option) {
  if (fd < 0) raise_errno(EBADF);
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) raise_errno(errno);
  return value;
}

std::string family_name(int family) {
  switch (family) {
    case AF_UNIX: return "AF_UNIX";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    default: return std::to_string(family);
  }
}

std::string type_name(int type) {
  switch (type) {
    case SOCK_STREAM: return "SOCK_STREAM";
    case SOCK_DGRAM: return "SOCK_DGRAM";
    case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
    case SOCK_RAW: return "SOCK_RAW";
    default: return std::to_string(type);
  }
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
  if (fd < 0) return "<socket [closed] fd=-1>";
  std::string text = "<socket fd=" + std::to_string(fd);
  try {
    text += ", family=" + family_name(family()) + ", type=" + type_name(type());
  } catch (const OSError&) {
    // Not a socket (or no longer one): the descriptor alone says which it is.
  }
  return text + ">";
}

std::pair<Socket, Socket> socketpair(int family) {
  int fds[2] = {-1, -1};
  if (::socketpair(family, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) raise_errno(errno);
  return {Socket::adopt(fds[0]), Socket::adopt(fds[1])};
}

}  // namespace aiostreams
