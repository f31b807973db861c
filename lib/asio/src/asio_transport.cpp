// AsioSocketTransport: the I/O of CPython's _SelectorSocketTransport (selector_events.py)
// on Asio; the state machine is SelectorTransport's.
//
// Reading. Until the first bytes arrive a connection waits with async_wait and then makes
// one non-blocking read into the thread's scratch buffer: a connection that never receives
// anything holds no buffer. Once data has arrived, it reads with async_receive into a small
// buffer of its own: Asio tries that read at once and otherwise performs it when epoll
// reports the socket readable, which costs no epoll_ctl (every async_wait re-arms the
// descriptor with EPOLL_CTL_MOD: one extra system call per read). A read that fills the
// small buffer takes the rest of what is queued as well, up to asyncio's 256 KiB.
// Writes are non-blocking sends; async_wait only when the socket is full.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <array>
#include <asio/buffer.hpp>
#include <asio/post.hpp>
#include <cstring>
#include <utility>
#include <vector>

#include "aiostreams/errors.hpp"
#include "detail_asio_net.hpp"

namespace aiostreams::detail {

namespace {
// asyncio's _SelectorTransport.max_size: the most one read takes from the socket.
constexpr std::size_t kMaxRead = 256 * 1024;
// Buffers handed to one sendmsg().
constexpr std::size_t kMaxGather = 16;

// One read buffer per thread (each loop is single-threaded), allocated on first use, for a
// connection's first read: the bytes are copied into a std::string of the exact size.
char* shared_read_buffer() {
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer = std::make_unique<char[]>(kMaxRead);
  return buffer.get();
}
}  // namespace

SocketNames::SocketNames(int fd) {
  for (std::size_t peer = 0; peer < 2; ++peer) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    auto* address = reinterpret_cast<sockaddr*>(&storage);
    const int rc = peer != 0 ? ::getpeername(fd, address, &length) : ::getsockname(fd, address, &length);
    const bool inet = address->sa_family == AF_INET || address->sa_family == AF_INET6;
    if (rc == 0 && inet && length <= inline_[peer].size()) {
      std::memcpy(inline_[peer].data(), &storage, length);
      length_[peer] = static_cast<std::uint8_t>(length);
    } else {
      if (!other_) other_ = std::make_unique<std::array<std::optional<SocketAddress>, 2>>();
      if (rc == 0) (*other_)[peer] = to_socket_address(address, length);
    }
  }
}

std::optional<SocketAddress> SocketNames::address(bool peer) const {
  const std::size_t i = peer ? 1 : 0;
  if (length_[i] == 0) return other_ ? (*other_)[i] : std::nullopt;
  sockaddr_storage storage{};
  std::memcpy(&storage, inline_[i].data(), length_[i]);
  return to_socket_address(reinterpret_cast<const sockaddr*>(&storage), length_[i]);
}

AsioSocketTransport::AsioSocketTransport(AsioLoop& loop, GenericSocket socket, std::shared_ptr<Protocol> protocol,
                                         std::shared_ptr<Server> server)
    : SelectorTransport(&loop, std::move(protocol)),
      AsioResource(loop),
      socket_(std::move(socket)),
      server_(std::move(server)),
      names_(socket_->native_handle()) {
  fd_ = socket_->native_handle();
  std::error_code ignored;
  socket_->non_blocking(true, ignored);
  // base_events._set_nodelay: TCP_NODELAY on TCP sockets.
  if (names_.is_inet()) {
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

AsioSocketTransport::~AsioSocketTransport() { destroy_socket(); }

void AsioSocketTransport::destroy_socket() noexcept {
  if (receive_) receive_->held.reset();
  if (!socket_) return;
  std::error_code ignored;
  socket_->close(ignored);
  socket_.reset();
}

void AsioSocketTransport::loop_closing() noexcept {
  // The loop is going away: no callback can run any more. Close the socket and break the
  // transport ↔ protocol cycle that connection_lost would have broken.
  loop_gone();
  buffer_.clear();
  destroy_socket();
  auto protocol = release_protocol();
  auto server = std::move(server_);
  (void)protocol;
  (void)server;
}

void AsioSocketTransport::start(std::optional<Future<void>> waiter) {
  auto self = this->self();
  if (server_) server_->attach(self);
  Loop& l = loop();
  l.call_soon([self] {
    if (self->protocol_ptr() != nullptr && !self->connection_lost_called()) self->call_connection_made();
  });
  l.call_soon([self] { self->add_reader(); });
  if (waiter) {
    l.call_soon([waiter = *waiter]() mutable {
      if (!waiter.done()) waiter.set_result();
    });
  }
}

std::any AsioSocketTransport::get_extra_info(std::string_view name) const {
  if (name == "peername" || name == "sockname") {
    auto address = names_.address(name == "peername");
    return address ? std::any(std::move(*address)) : std::any();
  }
  if (name == "socket") return std::any(fd_);
  return {};
}

// ---- reading ----------------------------------------------------------------------------

void AsioSocketTransport::add_reader() {
  if (closing() || loop_closed()) return;  // asyncio's _add_reader checks _closing
  reader_ = true;
  if (!reading_paused()) arm_read();
}

void AsioSocketTransport::remove_reader() {
  // The outstanding read, if any, stays queued in Asio (no cancellation slot per connection):
  // its handler sees that we no longer read. A wait then consumed nothing; bytes a receive
  // took are kept for resume_reading().
  reader_ = false;
}

void AsioSocketTransport::arm_read() {
  if (read_outstanding_ || !socket_ || connection_lost_scheduled()) return;  // one outstanding at most
  auto self = this->self();
  read_outstanding_ = true;
  if (receive_ && receive_->held) {
    // Bytes read before a pause: delivered now, from the loop as a read would be.
    asio::post(io(), [self = std::move(self)] {
      // (Closed meanwhile: nothing held any more, and on_received drops it anyway.)
      const HeldRead held = self->receive_->held.value_or(HeldRead{asio::error::operation_aborted, 0});
      self->receive_->held.reset();
      self->on_received(held.error, held.size);
    });
  } else if (receive_) {
    socket_->async_receive(
        asio::buffer(receive_->bytes),
        [self = std::move(self)](const std::error_code& ec, std::size_t n) { self->on_received(ec, n); });
  } else {
    socket_->async_wait(GenericSocket::wait_read,
                        [self = std::move(self)](const std::error_code& ec) { self->on_read_ready(ec); });
  }
}

void AsioSocketTransport::on_read_ready(const std::error_code& ec) {
  read_outstanding_ = false;
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed()) return;
  if (!reader_ || reading_paused() || closing() || connection_lost_scheduled()) return;  // not reading any more
  char* buffer = shared_read_buffer();
  std::error_code read_error;
  const std::size_t n = socket_->read_some(asio::buffer(buffer, kMaxRead), read_error);
  if (read_error && would_block(read_error)) {
    arm_read();
    return;
  }
  if (!read_error && n > 0) {
    // Data has arrived: from now on this connection reads into its own buffer.
    if (!receive_) receive_ = std::make_unique<Receive>();
    deliver(std::string(buffer, n));
    return;
  }
  read_failed(read_error);
}

void AsioSocketTransport::on_received(const std::error_code& ec, std::size_t n) {
  read_outstanding_ = false;
  // Closing or lost: what was read goes, as it would with the socket.
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed() || closing() || connection_lost_scheduled())
    return;
  if (!reader_ || reading_paused()) {
    receive_->held = HeldRead{ec, n};  // read just before pause_reading(): kept for resume_reading()
    return;
  }
  if (ec || n == 0) {
    read_failed(ec);
    return;
  }
  std::error_code more_error;
  std::string data = n < kReceiveBuffer ? std::string(receive_->bytes.data(), n) : read_more(more_error);
  if (!more_error) {
    deliver(std::move(data));
    return;
  }
  // The bytes came before the error: the protocol gets both, as over two reads.
  deliver(std::move(data), false);
  if (!closing() && !connection_lost_scheduled()) read_failed(more_error);
}

std::string AsioSocketTransport::read_more(std::error_code& error) {
  // The receive filled the small buffer: take what else is queued in the same read, up to
  // asyncio's 256 KiB, straight into the string.
  int queued = 0;
  if (::ioctl(fd_, FIONREAD, &queued) != 0 || queued < 0) queued = 0;
  const std::size_t more = std::min(static_cast<std::size_t>(queued), kMaxRead - kReceiveBuffer);
  std::string data(kReceiveBuffer + more, '\0');
  std::memcpy(data.data(), receive_->bytes.data(), kReceiveBuffer);
  if (more == 0) return data;
  const std::size_t n = socket_->read_some(asio::buffer(data.data() + kReceiveBuffer, more), error);
  if (error == asio::error::eof || (error && would_block(error))) error.clear();  // the next read sees EOF again
  data.resize(kReceiveBuffer + (error ? 0 : n));
  return data;
}

void AsioSocketTransport::read_failed(const std::error_code& ec) {
  if (!ec || ec == asio::error::eof) {
    deliver_eof();
  } else {
    fatal_error(socket_error(ec), "Fatal read error on socket transport");
  }
}

void AsioSocketTransport::deliver(std::string data, bool read_on) {
  if (!deliver_data(std::move(data))) return;
  if (read_on && reader_ && !reading_paused() && !closing()) arm_read();
}

// ---- writing ----------------------------------------------------------------------------

std::size_t AsioSocketTransport::write_data(std::string_view data) {
  if (buffer_.empty()) {
    std::error_code ec;
    const std::size_t sent = socket_->write_some(asio::buffer(data.data(), data.size()), ec);
    if (ec && !would_block(ec)) {
      fatal_error(socket_error(ec), "Fatal write error on socket transport");
      return 0;
    }
    if (!ec) data.remove_prefix(sent);
    if (data.empty()) return 0;
    arm_write();
  }
  buffer_.append(data);
  return buffer_.size();
}

void AsioSocketTransport::arm_write() {
  if (write_wait_pending_ || !socket_) return;
  write_wait_pending_ = true;
  socket_->async_wait(GenericSocket::wait_write,
                      [self = self()](const std::error_code& ec) { self->on_write_ready(ec); });
}

void AsioSocketTransport::on_write_ready(const std::error_code& ec) {
  write_wait_pending_ = false;
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed()) return;
  if (connection_lost_scheduled() || buffer_.empty()) return;
  std::array<asio::const_buffer, kMaxGather> parts;
  const std::size_t count = buffer_.gather(parts);
  std::error_code send_error;
  const std::size_t sent = socket_->write_some(std::span(parts.data(), count), send_error);
  if (send_error && would_block(send_error)) {
    arm_write();
    return;
  }
  if (send_error) {
    buffer_.clear();
    fatal_error(socket_error(send_error), "Fatal write error on socket transport");
    return;
  }
  buffer_.consume(sent);
  if (!buffered_data_sent(buffer_.size())) arm_write();  // may finish close() or write_eof()
}

void AsioSocketTransport::shutdown_write() {
  std::error_code ignored;
  if (socket_) socket_->shutdown(GenericSocket::shutdown_send, ignored);
}

// ---- closing ----------------------------------------------------------------------------

void AsioSocketTransport::close_socket() {
  buffer_.clear();
  destroy_socket();
  if (auto server = std::move(server_)) server->detach(this);
}

}  // namespace aiostreams::detail
