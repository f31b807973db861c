// Private to the Asio backend: the socket transport, the resource registry that lets the
// loop close every socket before its io_context goes, and address helpers. Asio types may
// appear here (this header is never installed).
#pragma once

#include <sys/socket.h>

#include <array>
#include <asio/basic_socket_acceptor.hpp>
#include <asio/basic_stream_socket.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/io_context.hpp>
#include <asio/socket_base.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/backend/selector_transport.hpp"
#include "aiostreams/backend/tls_engine.hpp"
#include "aiostreams/future.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/ssl_context.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"
#include "socket_write_buffer.hpp"

namespace aiostreams::detail {

// On the io_context's own executor type (a pointer), not the type-erased any_io_executor
// (56 bytes in every socket and every pending operation, and an indirect call per handler).
using GenericSocket = asio::basic_stream_socket<asio::generic::stream_protocol, asio::io_context::executor_type>;
using GenericAcceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;
using GenericEndpoint = asio::generic::stream_protocol::endpoint;

class AsioResource;

/// The sockets alive on one AsioLoop. It outlives the loop if a resource does (each holds
/// it), so that a resource destroyed late can still unregister.
struct AsioRegistry {
  AsioResource* first = nullptr;  // the live resources, a list through the resources (no
                                  // allocation per connection)
  bool loop_closed = false;
};

/// Something that owns a socket of the loop's io_context. The loop calls loop_closing() on
/// every live one before it destroys its io_context: the socket is closed and destroyed
/// then, and the object does nothing afterwards.
class AsioResource {
 public:
  explicit AsioResource(AsioLoop& loop);
  virtual ~AsioResource();
  AsioResource(const AsioResource&) = delete;
  AsioResource& operator=(const AsioResource&) = delete;

  /// A strong reference to the object, or nullptr while it is being destroyed.
  virtual std::shared_ptr<void> keep_alive() noexcept = 0;
  virtual void loop_closing() noexcept = 0;

  bool loop_closed() const noexcept { return registry_->loop_closed; }
  AsioLoop& loop() const noexcept { return *loop_; }
  asio::io_context& io() const noexcept;
  AsioResource* next_live() const noexcept { return next_; }

 private:
  AsioLoop* loop_;
  std::shared_ptr<AsioRegistry> registry_;
  AsioResource* prev_ = nullptr;
  AsioResource* next_ = nullptr;
};

/// The private door into AsioLoop (defined in asio_loop.cpp).
struct AsioLoopAccess {
  static asio::io_context& io(AsioLoop& loop) noexcept;
  static const std::shared_ptr<AsioRegistry>& registry(AsioLoop& loop) noexcept;
};

// ---- helpers (asio_network.cpp) ----

bool would_block(const std::error_code& ec) noexcept;
/// The OSError subclass for a socket error (ConnectionResetError for ECONNRESET, ...),
/// with strerror's text.
std::exception_ptr socket_error(const std::error_code& ec);
/// sockaddr → SocketAddress: numeric host and port, or the Unix path (abstract names keep
/// their leading '\0'). Empty for an unnamed Unix socket.
SocketAddress to_socket_address(const sockaddr* address, std::size_t length);
std::optional<SocketAddress> socket_name(int fd, bool peer);

/// A socket's own and peer names as getsockname()/getpeername() gave them: IPv4 and IPv6
/// names kept raw and inline (72 bytes instead of four strings), made SocketAddresses when
/// asked for. asyncio records both when the transport is made; so do we.
class SocketNames {
 public:
  explicit SocketNames(int fd);
  std::optional<SocketAddress> address(bool peer) const;
  /// The socket's own name is IPv4 or IPv6 (a TCP socket).
  bool is_inet() const noexcept { return length_[0] != 0; }

 private:
  std::array<std::array<char, 28>, 2> inline_{};  // [own, peer]; 28 = sizeof(sockaddr_in6)
  std::array<std::uint8_t, 2> length_{};          // bytes in inline_; 0: none there
  // Names that do not fit inline (Unix paths), and whether each name exists at all.
  std::unique_ptr<std::array<std::optional<SocketAddress>, 2>> other_;
};

/// asyncio's _SelectorSocketTransport on an Asio socket (TCP or Unix stream). The state
/// machine (buffering rules, water marks, close/abort/write_eof, connection_lost) is
/// SelectorTransport's; this class does the I/O: one read of up to 256 KiB per readiness
/// (see asio_transport.cpp for how), and write() sends at once when nothing is buffered.
class AsioSocketTransport final : public SelectorTransport, public AsioResource {
 public:
  AsioSocketTransport(AsioLoop& loop, GenericSocket socket, std::shared_ptr<Protocol> protocol,
                      std::shared_ptr<Server> server);
  ~AsioSocketTransport() override;

  /// What the transport's constructor does in asyncio, once a shared_ptr exists: attaches
  /// to the server, then (through the loop) connection_made, starting to read, and
  /// completing `waiter`.
  void start(std::optional<Future<void>> waiter);

  std::any get_extra_info(std::string_view name) const override;
  std::size_t get_write_buffer_size() const override { return buffer_.size(); }

  std::shared_ptr<void> keep_alive() noexcept override { return weak_from_this().lock(); }
  void loop_closing() noexcept override;

 private:
  // ---- SelectorTransport's I/O hooks ----
  std::size_t write_data(std::string_view data) override;
  void drop_write_buffer() noexcept override { buffer_.clear(); }
  void shutdown_write() override;
  void add_reader() override;
  void remove_reader() override;
  void close_socket() override;

  std::shared_ptr<AsioSocketTransport> self() {
    return std::static_pointer_cast<AsioSocketTransport>(shared_from_this());
  }
  void arm_read();
  void on_read_ready(const std::error_code& ec);
  void on_received(const std::error_code& ec, std::size_t n);
  std::string read_more(std::error_code& error);
  void read_failed(const std::error_code& ec);
  void deliver(std::string data, bool read_on = true);
  void arm_write();
  void on_write_ready(const std::error_code& ec);
  void destroy_socket() noexcept;

  std::optional<GenericSocket> socket_;
  std::shared_ptr<Server> server_;
  SocketNames names_;

  SocketWriteBuffer buffer_;  // unsent data

  int fd_ = -1;
  bool reader_ = false;  // asyncio's add_reader/remove_reader state
  // A read is outstanding: an async_wait before any data arrived, an async_receive into
  // receive_ afterwards, or the delivery of held bytes.
  bool read_outstanding_ = false;
  static constexpr std::size_t kReceiveBuffer = 1024;
  struct HeldRead {
    std::error_code error;
    std::size_t size;  // bytes in `bytes`
  };
  struct Receive {
    std::array<char, kReceiveBuffer> bytes;
    std::optional<HeldRead> held;  // a read completed just before pause_reading()
  };
  std::unique_ptr<Receive> receive_;  // allocated when the first data arrives
  bool write_wait_pending_ = false;
};

}  // namespace aiostreams::detail
