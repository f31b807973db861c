// AsioLoop's networking: create_connection / create_server and their Unix variants, after
// base_events.py and unix_events.py, with Asio listeners for the backend-independent Server.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <asio/ip/tcp.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include "aiostreams/backend/connection_errors.hpp"
#include "aiostreams/connection_options.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/socket.hpp"
#include "aiostreams/task.hpp"
#include "detail_asio_net.hpp"
#include "numeric_host.hpp"

namespace aiostreams {
namespace detail {

// ---- helpers ------------------------------------------------------------------------------

bool would_block(const std::error_code& ec) noexcept {
  return ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::interrupted;
}

std::exception_ptr socket_error(const std::error_code& ec) {
  const int code = ec.value();
  if (ec.category() == asio::error::get_system_category() || ec.category() == std::generic_category()) {
    return make_os_error(code, std::strerror(code));
  }
  return std::make_exception_ptr(OSError(EIO, ec.message()));
}

SocketAddress to_socket_address(const sockaddr* address, std::size_t length) {
  SocketAddress out;
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    out.host = text;
    out.port = ntohs(in->sin_port);
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    out.host = text;
    out.port = ntohs(in6->sin6_port);
  } else if (address->sa_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(address);
    const std::size_t offset = offsetof(sockaddr_un, sun_path);
    if (length > offset) {
      std::size_t size = length - offset;
      if (un->sun_path[0] != '\0') size = ::strnlen(un->sun_path, size);  // a path: up to its NUL
      out.path.assign(un->sun_path, size);
    }
  }
  return out;
}

std::optional<SocketAddress> socket_name(int fd, bool peer) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  auto* address = reinterpret_cast<sockaddr*>(&storage);
  const int rc = peer ? ::getpeername(fd, address, &length) : ::getsockname(fd, address, &length);
  if (rc != 0) return std::nullopt;
  return to_socket_address(address, length);
}

namespace {

SocketAddress endpoint_address(const GenericEndpoint& endpoint) {
  return to_socket_address(endpoint.data(), endpoint.size());
}

// A Unix stream socket address: a path or a Linux abstract name ('\0' first).
GenericEndpoint unix_endpoint(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw OSError(ENAMETOOLONG, "AF_UNIX path too long");
  std::memcpy(address.sun_path, path.data(), path.size());
  const std::size_t length = offsetof(sockaddr_un, sun_path) + path.size() + (path.empty() || path[0] ? 1 : 0);
  return GenericEndpoint(&address, length, SOCK_STREAM);
}

// getaddrinfo's error, as Python's socket.gaierror: the EAI_* code and gai_strerror's text.
std::exception_ptr resolve_error(const std::error_code& ec) {
  int code = EAI_FAIL;
  if (ec == asio::error::host_not_found) {
    code = EAI_NONAME;
  } else if (ec == asio::error::host_not_found_try_again) {
    code = EAI_AGAIN;
  } else if (ec == asio::error::service_not_found) {
    code = EAI_SERVICE;
  } else if (ec == asio::error::address_family_not_supported) {
    code = EAI_FAMILY;
  } else if (ec == asio::error::socket_type_not_supported) {
    code = EAI_SOCKTYPE;
  } else if (ec == asio::error::no_data) {
    code = EAI_NODATA;
  } else if (ec == asio::error::no_recovery) {
    code = EAI_FAIL;
  } else if (ec.category() == asio::error::get_system_category()) {
    return socket_error(ec);
  }
  return resolution_error(code);
}

struct ResolveState {
  explicit ResolveState(asio::io_context& io, Loop& loop) : resolver(io), done(loop) {}
  asio::ip::tcp::resolver resolver;
  Future<void> done;
  std::error_code ec;
  std::vector<GenericEndpoint> endpoints;
};

// getaddrinfo(host, port, family, SOCK_STREAM, flags) off the loop thread (Asio's resolver
// thread). Distinct results in getaddrinfo's order. Cancel-safe.
Task<std::vector<GenericEndpoint>> resolve(AsioLoop& loop, std::string host, int port, int family, bool passive) {
  if (auto numeric = numeric_endpoint(host, port, family)) co_return std::vector<GenericEndpoint>(1, *numeric);
  auto state = std::make_shared<ResolveState>(AsioLoopAccess::io(loop), loop);
  const auto flags = passive ? asio::ip::resolver_base::passive : asio::ip::resolver_base::flags();
  auto handler = [state](const std::error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
    state->ec = ec;
    for (const auto& entry : results) {
      GenericEndpoint endpoint(entry.endpoint());
      bool seen = false;
      for (const auto& known : state->endpoints) seen = seen || known == endpoint;
      if (!seen) state->endpoints.push_back(endpoint);
    }
    if (!state->done.done()) state->done.set_result();
  };
  const std::string service = std::to_string(port);
  if (family == AF_INET) {
    state->resolver.async_resolve(asio::ip::tcp::v4(), host, service, flags, handler);
  } else if (family == AF_INET6) {
    state->resolver.async_resolve(asio::ip::tcp::v6(), host, service, flags, handler);
  } else {
    state->resolver.async_resolve(host, service, flags, handler);
  }
  try {
    co_await state->done;
  } catch (const CancelledError&) {
    state->resolver.cancel();
    throw;
  }
  if (state->ec) std::rethrow_exception(resolve_error(state->ec));
  if (state->endpoints.empty()) throw OSError(EAI_NONAME, "getaddrinfo() returned empty list");
  co_return std::move(state->endpoints);
}

struct ConnectAttempt {
  ConnectAttempt(asio::io_context& io, Loop& loop) : socket(io), done(loop) {}
  GenericSocket socket;
  Future<void> done;
  std::error_code ec;
};

// sock_connect: connects the attempt's (open) socket. Cancelling closes the socket, so
// nothing is left pending but the aborted completion.
Task<void> connect(std::shared_ptr<ConnectAttempt> attempt, GenericEndpoint endpoint) {
  attempt->socket.async_connect(endpoint, [attempt](const std::error_code& ec) {
    attempt->ec = ec;
    if (!attempt->done.done()) attempt->done.set_result();
  });
  try {
    co_await attempt->done;
  } catch (const CancelledError&) {
    std::error_code ignored;
    attempt->socket.close(ignored);
    throw;
  }
}

// The end of create_connection: the transport, connection_made, then return it
// (_create_connection_transport). A cancel while waiting closes the transport.
// With TLS the plain transport's protocol is the TLS engine, and what we return is its TLS
// transport, once the handshake is done (connection_made has run by then).
Task<std::shared_ptr<Transport>> make_client_transport(AsioLoop& loop, GenericSocket socket,
                                                       const ProtocolFactory& factory,
                                                       const std::optional<TlsParams>& tls) {
  auto protocol = factory();
  if (tls) {
    co_return co_await connect_tls(loop, std::move(protocol), *tls, [&](std::shared_ptr<Protocol> engine) {
      auto raw = std::make_shared<AsioSocketTransport>(loop, std::move(socket), std::move(engine), nullptr);
      raw->start(std::nullopt);
      return std::static_pointer_cast<Transport>(raw);
    });
  }
  auto transport = std::make_shared<AsioSocketTransport>(loop, std::move(socket), std::move(protocol), nullptr);
  Future<void> waiter(loop);
  transport->start(waiter);
  try {
    co_await waiter;
  } catch (...) {
    transport->close();
    throw;
  }
  co_return transport;
}

// Raises what create_connection raises when every address failed.
[[noreturn]] void raise_connect_errors(const std::vector<std::exception_ptr>& errors) {
  if (errors.size() == 1) std::rethrow_exception(errors.front());
  std::vector<std::string> texts;
  for (const auto& error : errors) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      texts.emplace_back(e.what());
    }
  }
  bool all_same = true;
  for (const auto& text : texts) all_same = all_same && text == texts.front();
  if (all_same) std::rethrow_exception(errors.front());
  std::string message = "Multiple exceptions: ";
  for (std::size_t i = 0; i < texts.size(); ++i) message += (i ? ", " : "") + texts[i];
  throw OSError(0, message);
}

}  // namespace

// ---- listeners ----------------------------------------------------------------------------

namespace {

// The state of one listening socket, shared with its pending accept wait.
class ListenerState final : public AsioResource, public std::enable_shared_from_this<ListenerState> {
 public:
  ListenerState(AsioLoop& loop, GenericAcceptor acceptor, std::string unix_path, bool cleanup)
      : AsioResource(loop), acceptor_(std::move(acceptor)), unix_path_(std::move(unix_path)) {
    std::error_code ignored;
    address_ = endpoint_address(acceptor_->local_endpoint(ignored));
    if (!unix_path_.empty() && unix_path_[0] != '\0') {
      address_ = SocketAddress{.host = {}, .port = 0, .path = unix_path_};
      struct stat info {};
      if (cleanup && ::stat(unix_path_.c_str(), &info) == 0) inode_ = info.st_ino;
    }
  }
  ~ListenerState() override { close(); }

  std::shared_ptr<void> keep_alive() noexcept override { return weak_from_this().lock(); }
  void loop_closing() noexcept override {
    closed_ = true;
    std::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    acceptor_.reset();
  }

  const SocketAddress& address() const noexcept { return address_; }

  void start(Server& server, int backlog) {
    if (closed_ || !acceptor_ || loop_closed()) return;
    server_ = server.weak_from_this();
    backlog_ = std::max(backlog, 1);
    std::error_code ec;
    acceptor_->listen(backlog, ec);
    if (ec) {
      loop().call_exception_handler({"listen() failed on " + address_.to_string(), socket_error(ec)});
      return;
    }
    acceptor_->non_blocking(true, ec);
    arm();
  }

  void close() noexcept {
    if (closed_) return;
    closed_ = true;
    std::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    acceptor_.reset();
    // cleanup_socket (3.13): unlink the path if the file there is still the one we bound.
    if (inode_) {
      struct stat info {};
      if (::stat(unix_path_.c_str(), &info) == 0 && info.st_ino == *inode_) ::unlink(unix_path_.c_str());
    }
  }

 private:
  void arm() {
    if (closed_ || !acceptor_ || waiting_) return;
    waiting_ = true;
    acceptor_->async_wait(GenericAcceptor::wait_read, [self = shared_from_this()](const std::error_code& ec) {
      self->waiting_ = false;
      if (ec == asio::error::operation_aborted) return;
      self->accept_ready();
    });
  }

  // _accept_connection: up to `backlog` accepts per readiness.
  void accept_ready() {
    if (closed_ || !acceptor_ || loop_closed()) return;
    for (int i = 0; i < backlog_ && acceptor_; ++i) {
      GenericSocket peer(io());
      std::error_code ec;
      acceptor_->accept(peer, ec);
      if (ec) {
        if (would_block(ec) || ec == asio::error::connection_aborted) break;
        const int code = ec.value();
        if (code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM) {
          // Out of resources: report, stop watching, retry after asyncio's ACCEPT_RETRY_DELAY.
          loop().call_exception_handler({"socket.accept() out of system resource", socket_error(ec)});
          loop().call_later(1.0, [weak = weak_from_this()] {
            if (auto self = weak.lock()) self->arm();
          });
          return;
        }
        loop().call_exception_handler({"Error on accepting a connection on " + address_.to_string(), socket_error(ec)});
        break;
      }
      accepted(std::move(peer));
    }
    arm();
  }

  void accepted(GenericSocket peer) {
    auto server = server_.lock();
    if (!server || !server->is_serving()) return;  // closed meanwhile: the socket just closes
    try {
      auto protocol = server->protocol_factory()();
      auto transport = std::make_shared<AsioSocketTransport>(loop(), std::move(peer), std::move(protocol), server);
      transport->start(std::nullopt);
    } catch (...) {
      loop().call_exception_handler({"Error on transport creation for incoming connection", std::current_exception()});
    }
  }

  std::optional<GenericAcceptor> acceptor_;
  std::string unix_path_;
  std::optional<ino_t> inode_;
  SocketAddress address_;
  std::weak_ptr<Server> server_;
  int backlog_ = 100;
  bool closed_ = false;
  bool waiting_ = false;
};

class AsioListener final : public Listener {
 public:
  explicit AsioListener(std::shared_ptr<ListenerState> state) : state_(std::move(state)) {}
  ~AsioListener() override { state_->close(); }
  void start(Server& server, int backlog) override { state_->start(server, backlog); }
  void close() override { state_->close(); }
  SocketAddress address() const override { return state_->address(); }

 private:
  std::shared_ptr<ListenerState> state_;
};

void set_flag(int fd, int level, int option) {
  const int one = 1;
  if (::setsockopt(fd, level, option, &one, sizeof one) != 0) {
    const int code = errno;
    throw OSError(code, std::strerror(code));
  }
}

// ---- sock= : adopting a socket made elsewhere -----------------------------------------------

// Moves sock's descriptor into an Asio socket or acceptor, non-blocking (asyncio's
// sock.setblocking(False)). The Socket gives the descriptor up only once Asio holds it, so a
// failed assign leaves the caller's Socket as it was.
template <class AsioSocket>
AsioSocket adopt(AsioLoop& loop, const Socket& sock) {
  const int fd = sock.fileno();
  int protocol = 0;
  socklen_t length = sizeof protocol;
  if (::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) != 0) protocol = 0;
  AsioSocket socket(AsioLoopAccess::io(loop));
  std::error_code ec;
  socket.assign(asio::generic::stream_protocol(sock.family(), protocol), fd, ec);
  if (ec) std::rethrow_exception(socket_error(ec));
  Socket(sock).detach();  // a copy shares the descriptor: every copy is empty now
  socket.non_blocking(true, ec);
  if (ec) std::rethrow_exception(socket_error(ec));  // the socket (now ours) closes with it
  return socket;
}

// The listener of a server on an adopted socket. A Unix one with cleanup remembers the bound
// path and its inode now, as CPython 3.13's create_unix_server does with sock=.
std::unique_ptr<Listener> adopted_listener(AsioLoop& loop, const Socket& sock, bool unix_cleanup) {
  auto acceptor = adopt<GenericAcceptor>(loop, sock);
  std::string path;
  if (unix_cleanup) {
    if (auto name = socket_name(acceptor.native_handle(), false)) path = name->path;
  }
  return std::make_unique<AsioListener>(
      std::make_shared<ListenerState>(loop, std::move(acceptor), std::move(path), unix_cleanup));
}

// The end of every create_server: the Server, started unless options.start_serving is false.
Task<std::shared_ptr<Server>> make_server(AsioLoop& loop, std::vector<std::unique_ptr<Listener>> listeners,
                                          ProtocolFactory factory, ServerOptions options) {
  auto server = std::make_shared<Server>(loop, std::move(listeners), std::move(factory), options.backlog);
  if (options.start_serving) co_await server->start_serving();
  co_return server;
}

}  // namespace
}  // namespace detail

// ---- AsioLoop's entry points --------------------------------------------------------------

using detail::AsioLoopAccess;
using detail::GenericAcceptor;
using detail::GenericEndpoint;
using detail::GenericSocket;

Task<std::shared_ptr<Transport>> AsioLoop::do_create_connection(ProtocolFactory factory, std::string host, int port,
                                                                const ConnectOptions& options) {
  auto& io = AsioLoopAccess::io(*this);
  const int family = options.family;
  const std::optional<SocketAddress> local_addr = options.local_addr;
  const std::optional<detail::TlsParams> tls = detail::client_tls_params(options, host);
  // host "" and port 0 stand for Python's None here.
  if (options.sock) {
    auto socket = detail::adopt<GenericSocket>(*this, options.sock);
    co_return co_await detail::make_client_transport(*this, std::move(socket), factory, tls);
  }
  auto endpoints = co_await detail::resolve(*this, host, port, family, false);
  std::vector<GenericEndpoint> local_endpoints;
  if (local_addr) {
    local_endpoints = co_await detail::resolve(*this, local_addr->host, local_addr->port, family, false);
  }
  std::vector<std::exception_ptr> errors;
  for (const auto& endpoint : endpoints) {
    auto attempt = std::make_shared<detail::ConnectAttempt>(io, *this);
    std::error_code ec;
    attempt->socket.open(endpoint.protocol(), ec);
    if (ec) {
      errors.push_back(detail::socket_error(ec));
      continue;
    }
    if (local_addr) {
      bool bound = false;
      std::vector<std::exception_ptr> bind_errors;
      for (const auto& local : local_endpoints) {
        if (local.protocol().family() != endpoint.protocol().family()) continue;
        attempt->socket.bind(local, ec);
        if (!ec) {
          bound = true;
          break;
        }
        bind_errors.push_back(detail::bind_error(ec.value(), detail::endpoint_address(local)));
      }
      if (!bound) {
        std::error_code ignored;
        attempt->socket.close(ignored);
        if (!bind_errors.empty()) {
          errors.push_back(bind_errors.back());
        } else {
          errors.push_back(std::make_exception_ptr(OSError(
              0, "no matching local address with family=" + std::to_string(endpoint.protocol().family()) + " found")));
        }
        continue;
      }
    }
    co_await detail::connect(attempt, endpoint);
    if (attempt->ec) {
      std::error_code ignored;
      attempt->socket.close(ignored);
      errors.push_back(detail::connect_error(attempt->ec.value(), detail::endpoint_address(endpoint)));
      continue;
    }
    co_return co_await detail::make_client_transport(*this, std::move(attempt->socket), factory, tls);
  }
  detail::raise_connect_errors(errors);
}

Task<std::shared_ptr<Transport>> AsioLoop::do_create_unix_connection(ProtocolFactory factory, std::string path,
                                                                     const ConnectOptions& options) {
  // No host to default server_hostname to: asyncio requires it with ssl.
  const std::optional<detail::TlsParams> tls = detail::client_tls_params(options, std::string());
  if (options.sock) {
    auto socket = detail::adopt<GenericSocket>(*this, options.sock);
    co_return co_await detail::make_client_transport(*this, std::move(socket), factory, tls);
  }
  auto& io = AsioLoopAccess::io(*this);
  const auto endpoint = detail::unix_endpoint(path);
  auto attempt = std::make_shared<detail::ConnectAttempt>(io, *this);
  std::error_code ec;
  attempt->socket.open(endpoint.protocol(), ec);
  if (ec) std::rethrow_exception(detail::socket_error(ec));
  attempt->socket.non_blocking(true, ec);
  // A Unix socket connects at once or fails at once. EAGAIN means the listener's backlog is
  // full: wait and try again (as a TCP connect waits in the SYN queue) instead of failing.
  // Cancelling (e.g. wait_for) ends the wait; the socket closes with the attempt.
  for (double delay = 0.0005;; delay = std::min(delay * 2, 0.05)) {
    const auto* address = static_cast<const sockaddr*>(endpoint.data());
    if (::connect(attempt->socket.native_handle(), address, static_cast<socklen_t>(endpoint.size())) == 0) break;
    const int error = errno;
    if (error == EAGAIN || error == EINTR) {
      co_await aiostreams::sleep(delay);
      continue;
    }
    std::error_code ignored;
    attempt->socket.close(ignored);
    std::rethrow_exception(detail::os_error(error));
  }
  co_return co_await detail::make_client_transport(*this, std::move(attempt->socket), factory, tls);
}

Task<std::shared_ptr<Server>> AsioLoop::do_create_server(ProtocolFactory factory, std::string host, int port,
                                                         const ServerOptions& options) {
  auto& io = AsioLoopAccess::io(*this);
  const ServerOptions opts = options;
  factory = detail::server_protocol_factory(*this, std::move(factory), opts, {});
  std::vector<std::unique_ptr<Listener>> listeners;
  if (opts.sock) {
    listeners.push_back(detail::adopted_listener(*this, opts.sock, false));
    co_return co_await detail::make_server(*this, std::move(listeners), std::move(factory), opts);
  }
  // host "" means every interface (getaddrinfo(None, port, AI_PASSIVE)).
  auto endpoints = co_await detail::resolve(*this, host, port, 0, true);
  std::vector<std::shared_ptr<detail::ListenerState>> states;
  for (const auto& endpoint : endpoints) {
    GenericAcceptor acceptor(io);
    std::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (ec) {
      // asyncio skips families the platform cannot create (e.g. no IPv6 at all).
      if (ec == asio::error::address_family_not_supported) continue;
      std::rethrow_exception(detail::socket_error(ec));
    }
    const int fd = acceptor.native_handle();
    if (opts.reuse_address.value_or(true)) detail::set_flag(fd, SOL_SOCKET, SO_REUSEADDR);
    if (opts.reuse_port) detail::set_flag(fd, SOL_SOCKET, SO_REUSEPORT);
    if (opts.keep_alive) detail::set_flag(fd, SOL_SOCKET, SO_KEEPALIVE);
    if (endpoint.protocol().family() == AF_INET6) detail::set_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY);
    acceptor.bind(endpoint, ec);
    if (ec) {
      std::rethrow_exception(detail::bind_error(ec.value(), detail::endpoint_address(endpoint)));
    }
    auto state = std::make_shared<detail::ListenerState>(*this, std::move(acceptor), std::string(), false);
    listeners.push_back(std::make_unique<detail::AsioListener>(state));
  }
  if (listeners.empty()) throw OSError(EAFNOSUPPORT, "no listening socket could be created");
  co_return co_await detail::make_server(*this, std::move(listeners), std::move(factory), opts);
}

Task<std::shared_ptr<Server>> AsioLoop::do_create_unix_server(ProtocolFactory factory, std::string path,
                                                              const ServerOptions& options) {
  auto& io = AsioLoopAccess::io(*this);
  const ServerOptions opts = options;
  factory = detail::server_protocol_factory(*this, std::move(factory), opts, {});
  std::vector<std::unique_ptr<Listener>> listeners;
  if (opts.sock) {
    listeners.push_back(detail::adopted_listener(*this, opts.sock, opts.cleanup_socket));
    co_return co_await detail::make_server(*this, std::move(listeners), std::move(factory), opts);
  }
  const auto endpoint = detail::unix_endpoint(path);
  if (path[0] != '\0') {
    // A socket file left by a server that did not clean up is removed (as asyncio does).
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) ::unlink(path.c_str());
  }
  GenericAcceptor acceptor(io);
  std::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) std::rethrow_exception(detail::socket_error(ec));
  acceptor.bind(endpoint, ec);
  if (ec) {
    if (ec.value() == EADDRINUSE) std::rethrow_exception(detail::unix_address_in_use(path));
    std::rethrow_exception(detail::socket_error(ec));
  }
  auto state = std::make_shared<detail::ListenerState>(*this, std::move(acceptor), path, opts.cleanup_socket);
  listeners.push_back(std::make_unique<detail::AsioListener>(state));
  co_return co_await detail::make_server(*this, std::move(listeners), std::move(factory), opts);
}

Task<std::shared_ptr<Transport>> AsioLoop::start_tls(std::shared_ptr<Transport> transport,
                                                     std::shared_ptr<Protocol> protocol,
                                                     std::shared_ptr<SslContext> sslcontext,
                                                     const StartTlsOptions& options) {
  // OpenSSL's own randomness: this is the real world.
  return detail::start_tls(*this, std::move(transport), std::move(protocol), std::move(sslcontext), options, {});
}

}  // namespace aiostreams
