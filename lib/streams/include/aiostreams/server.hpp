// Server: asyncio's base_events.Server, which is the same on every backend. A backend
// supplies the listening sockets (Listener); the Server tracks serving state, the client
// transports and the waiters of wait_closed().
#pragma once

#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiostreams/future.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams {

class Server;

/// A backend's listening socket.
class Listener {
 public:
  virtual ~Listener() = default;
  /// Starts accepting: each accepted connection gets a protocol from the server's factory,
  /// a transport that the backend makes, server.attach(transport) and then (through the
  /// loop) connection_made. The transport calls server.detach() when its connection is lost.
  virtual void start(Server& server, int backlog) = 0;
  /// Stops accepting and closes the socket (a Unix listener may unlink its path).
  virtual void close() = 0;
  /// The bound address.
  virtual SocketAddress address() const = 0;
};

/// What start_server() returns. Use it as asyncio's `async with server:` by
///   co_await server->aclose();  // close() then wait_closed()
/// at the end of the scope.
class Server : public std::enable_shared_from_this<Server> {
 public:
  Server(Loop& loop, std::vector<std::unique_ptr<Listener>> listeners, ProtocolFactory factory, int backlog);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  Loop& get_loop() const noexcept { return *loop_; }
  /// True while accepting connections.
  bool is_serving() const noexcept { return serving_; }
  /// The listening addresses; empty once closed.
  std::vector<SocketAddress> sockets() const;

  /// Starts accepting (idempotent), then yields one loop iteration.
  Task<void> start_serving();
  /// Starts serving and waits until the server is closed, which ends it with
  /// CancelledError. Cancelling it closes the server and waits for wait_closed().
  /// Throws RuntimeError if already running or closed.
  Task<void> serve_forever();
  /// Stops listening (idempotent). Accepted connections stay open.
  void close();
  /// Returns once the server is closed and its last connection is gone.
  Task<void> wait_closed();
  /// close() then wait_closed(): the end of `async with server`.
  Task<void> aclose();
  /// close() / abort() every client transport (3.13).
  void close_clients();
  void abort_clients();
  /// "<Server sockets=(...)>".
  std::string repr() const;

  // ---- for backends ----
  const ProtocolFactory& protocol_factory() const noexcept { return factory_; }
  /// A new client connection (called by a Listener before connection_made).
  void attach(const std::shared_ptr<Transport>& transport);
  /// A client connection is gone (called by its transport when the connection is lost).
  void detach(const Transport* transport);
  std::size_t client_count() const noexcept { return clients_.size(); }
  /// For tests: how many client entries detach() has looked at so far (at most one per call).
  std::uint64_t detach_visits() const noexcept { return detach_visits_; }

 private:
  void start_listening();
  void wakeup();

  Loop* loop_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  bool closed_ = false;  // asyncio's `_sockets is None`
  ProtocolFactory factory_;
  int backlog_;
  bool serving_ = false;
  // The clients in attach order (close_clients() goes through them in that order, which
  // keeps simulated runs reproducible), and where each one is: a connection leaves in O(1).
  std::list<std::weak_ptr<Transport>> clients_;
  std::unordered_map<const Transport*, std::list<std::weak_ptr<Transport>>::iterator> client_places_;
  std::optional<std::vector<Future<void>>> waiters_{std::in_place};  // nullopt: woken for good
  std::optional<Future<void>> serving_forever_;
  std::uint64_t detach_visits_ = 0;
};

}  // namespace aiostreams
