// Socket: a handle to an OS socket descriptor, like a Python socket object, for what asyncio
// does with one: socket.socketpair(), and `sock=` in open_connection / start_server and their
// Unix variants, which adopt a socket made elsewhere.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace aiostreams {

/// An OS socket descriptor. Copies share the one descriptor (as Python names share one socket
/// object); it is closed when the last copy goes, unless it was detached. An empty Socket
/// (default-constructed, closed or detached) has fileno() -1 and is false.
///
/// Passing one as ConnectOptions::sock / ServerOptions::sock hands it to the library once
/// the call has checked it: every copy is then empty, and the transport or server owns the
/// descriptor. Python shares the object instead; here a descriptor has one owner, so the
/// library and the caller never close it twice. When the call rejects it (ValueError) the
/// Socket is left as it was.
class Socket {
 public:
  Socket() = default;

  /// Takes ownership of `fd`. ValueError if fd < 0.
  static Socket adopt(int fd);

  /// The descriptor, or -1 when empty.
  int fileno() const noexcept;
  explicit operator bool() const noexcept { return fileno() >= 0; }

  /// sock.family / sock.type: AF_UNIX, SOCK_STREAM, ... (getsockopt SO_DOMAIN / SO_TYPE).
  /// OSError on failure (EBADF when empty).
  int family() const;
  int type() const;

  /// sock.send(data): one blocking ::send (MSG_NOSIGNAL); returns how many bytes went.
  /// OSError (BrokenPipeError, ...) with the errno and its text on failure.
  std::size_t send(std::string_view data);
  /// sock.recv(n): one blocking ::recv of at most n bytes; "" at EOF. OSError on failure.
  std::string recv(std::size_t n);

  /// Closes the descriptor now (idempotent); every copy becomes empty.
  void close() noexcept;
  /// Gives the descriptor up without closing it (-1 if empty); every copy becomes empty.
  int detach() noexcept;

  /// Python 3.11's repr(sock): "<socket.socket fd=5, family=1, type=2, proto=0>", with
  /// ", laddr=..." and ", raddr=..." when the socket has those names; "<socket.socket [closed]
  /// fd=-1>" when empty (Python would still show the family and type). Names the socket in
  /// error messages.
  std::string repr() const;

 private:
  struct Descriptor;
  explicit Socket(std::shared_ptr<Descriptor> descriptor) : descriptor_(std::move(descriptor)) {}
  std::shared_ptr<Descriptor> descriptor_;
};

/// socket.socketpair(family): two connected stream sockets (SOCK_STREAM | SOCK_CLOEXEC).
/// OSError on failure (e.g. EOPNOTSUPP for AF_INET on Linux).
std::pair<Socket, Socket> socketpair(int family = AF_UNIX);

}  // namespace aiostreams
