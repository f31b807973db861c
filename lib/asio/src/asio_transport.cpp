// AsioSocketTransport: CPython's _SelectorSocketTransport (selector_events.py) on Asio.
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
#include <cstring>
#include <asio/buffer.hpp>
#include <asio/post.hpp>
#include <utility>
#include <vector>

#include "aiostreams/errors.hpp"
#include "detail_asio_net.hpp"

namespace aiostreams::detail {

namespace {
// asyncio's _SelectorTransport.max_size: the most one read takes from the socket.
constexpr std::size_t kMaxRead = 256 * 1024;
// asyncio's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES.
constexpr std::size_t kConnLostWarnThreshold = 5;
// Buffers handed to one sendmsg().
constexpr std::size_t kMaxGather = 16;

// One read buffer per thread (each loop is single-threaded), allocated on first use, for a
// connection's first read: the bytes are copied into a std::string of the exact size.
char* shared_read_buffer() {
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer = std::make_unique<char[]>(kMaxRead);
  return buffer.get();
}

void report(Loop& loop, const char* message, std::exception_ptr error) noexcept {
  loop.call_exception_handler({message, std::move(error)});
}

bool is_os_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const OSError&) {
    return true;
  } catch (...) {
    return false;
  }
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
    : AsioResource(loop),
      socket_(std::move(socket)),
      protocol_(std::move(protocol)),
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
  closing_ = true;
  conn_lost_ = std::max<std::size_t>(conn_lost_, 1);
  lost_called_ = true;
  buffer_.clear();
  destroy_socket();
  auto protocol = std::move(protocol_);
  auto server = std::move(server_);
  (void)protocol;
  (void)server;
}

void AsioSocketTransport::start(std::optional<Future<void>> waiter) {
  auto self = shared_from_this();
  if (server_) server_->attach(self);
  Loop& l = loop();
  l.call_soon([self] {
    if (self->protocol_ && !self->lost_called_) self->protocol_->connection_made(self);
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
  if (closing_ || loop_closed()) return;  // asyncio's _add_reader checks _closing
  reader_ = true;
  if (!paused_) arm_read();
}

void AsioSocketTransport::remove_reader() {
  // The outstanding read, if any, stays queued in Asio (no cancellation slot per connection):
  // its handler sees that we no longer read. A wait then consumed nothing; bytes a receive
  // took are kept for resume_reading().
  reader_ = false;
}

void AsioSocketTransport::arm_read() {
  if (read_outstanding_ || !socket_ || conn_lost_ != 0) return;  // one outstanding at most
  auto self = shared_from_this();
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
    socket_->async_receive(asio::buffer(receive_->bytes),
                           [self = std::move(self)](const std::error_code& ec, std::size_t n) { self->on_received(ec, n); });
  } else {
    socket_->async_wait(GenericSocket::wait_read,
                        [self = std::move(self)](const std::error_code& ec) { self->on_read_ready(ec); });
  }
}

void AsioSocketTransport::pause_reading() {
  if (closing_ || paused_) return;
  paused_ = true;
  remove_reader();
}

void AsioSocketTransport::resume_reading() {
  if (closing_ || !paused_) return;
  paused_ = false;
  add_reader();
}

void AsioSocketTransport::on_read_ready(const std::error_code& ec) {
  read_outstanding_ = false;
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed()) return;
  if (!reader_ || paused_ || closing_ || conn_lost_ != 0) return;  // not reading any more
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
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed() || closing_ || conn_lost_ != 0) return;
  if (!reader_ || paused_) {
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
  if (!closing_ && conn_lost_ == 0) read_failed(more_error);
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
    on_eof();
  } else {
    fatal_error(socket_error(ec), "Fatal read error on socket transport");
  }
}

void AsioSocketTransport::deliver(std::string data, bool read_on) {
  try {
    if (protocol_) protocol_->data_received(std::move(data));
  } catch (...) {
    fatal_error(std::current_exception(), "Fatal error: protocol.data_received() call failed.");
    return;
  }
  if (read_on && reader_ && !paused_ && !closing_) arm_read();
}

void AsioSocketTransport::on_eof() {
  bool keep_open = false;
  try {
    keep_open = protocol_ ? protocol_->eof_received() : false;
  } catch (...) {
    fatal_error(std::current_exception(), "Fatal error: protocol.eof_received() call failed.");
    return;
  }
  if (keep_open) {
    remove_reader();
  } else {
    close();
  }
}

// ---- writing ----------------------------------------------------------------------------

void AsioSocketTransport::write(std::string_view data) {
  if (eof_) throw RuntimeError("Cannot call write() after write_eof()");
  if (data.empty()) return;
  if (conn_lost_ != 0) {
    if (conn_lost_ >= kConnLostWarnThreshold && !loop_closed()) {
      report(loop(), "socket.send() raised exception.", nullptr);
    }
    ++conn_lost_;
    return;
  }
  if (buffer_.empty()) {
    std::error_code ec;
    const std::size_t sent = socket_->write_some(asio::buffer(data.data(), data.size()), ec);
    if (ec && !would_block(ec)) {
      fatal_error(socket_error(ec), "Fatal write error on socket transport");
      return;
    }
    if (!ec) data.remove_prefix(sent);
    if (data.empty()) return;
    arm_write();
  }
  buffer_.append(data);
  flow_.maybe_pause(loop(), protocol_.get(), buffer_.size());
}

void AsioSocketTransport::writelines(std::span<const std::string_view> buffers) {
  if (eof_) throw RuntimeError("Cannot call writelines() after write_eof()");
  // As the selector transport's writelines (3.12+): everything is queued, then one send.
  std::size_t total = 0;
  for (auto part : buffers) total += part.size();
  if (total == 0) return;
  if (conn_lost_ != 0) {
    write(std::string_view("x", 1));  // counts and warns as write() does
    return;
  }
  std::string joined;
  joined.reserve(total);
  for (auto part : buffers) joined.append(part);
  write(joined);
}

void AsioSocketTransport::arm_write() {
  if (write_wait_pending_ || !socket_) return;
  write_wait_pending_ = true;
  socket_->async_wait(GenericSocket::wait_write,
                      [self = shared_from_this()](const std::error_code& ec) { self->on_write_ready(ec); });
}

void AsioSocketTransport::on_write_ready(const std::error_code& ec) {
  write_wait_pending_ = false;
  if (ec == asio::error::operation_aborted || !socket_ || loop_closed()) return;
  if (conn_lost_ != 0 || buffer_.empty()) return;
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
  flow_.maybe_resume(loop(), protocol_.get(), buffer_.size());  // may append to the buffer
  if (!buffer_.empty()) {
    arm_write();
    return;
  }
  if (closing_) {
    try {
      call_connection_lost(nullptr);
    } catch (...) {
      report(loop(), "Exception in callback AsioSocketTransport._call_connection_lost", std::current_exception());
    }
  } else if (eof_) {
    shutdown_write();
  }
}

void AsioSocketTransport::shutdown_write() {
  std::error_code ignored;
  if (socket_) socket_->shutdown(GenericSocket::shutdown_send, ignored);
}

void AsioSocketTransport::write_eof() {
  if (closing_ || eof_) return;
  eof_ = true;
  if (buffer_.empty()) shutdown_write();
}

void AsioSocketTransport::set_write_buffer_limits(std::optional<std::size_t> high, std::optional<std::size_t> low) {
  flow_.set_limits(high, low);
  if (!loop_closed()) flow_.maybe_pause(loop(), protocol_.get(), buffer_.size());
}

// ---- closing ----------------------------------------------------------------------------

void AsioSocketTransport::close() {
  if (closing_) return;
  closing_ = true;
  remove_reader();
  if (buffer_.empty() && !loop_closed()) {
    ++conn_lost_;
    loop().call_soon([self = shared_from_this()] { self->call_connection_lost(nullptr); });
  }
}

void AsioSocketTransport::abort() { force_close(nullptr); }

void AsioSocketTransport::fatal_error(std::exception_ptr error, const char* message) {
  // As _fatal_error: OSErrors are expected (peer resets); anything else is reported.
  if (!is_os_error(error) && !loop_closed()) report(loop(), message, error);
  force_close(std::move(error));
}

void AsioSocketTransport::force_close(std::exception_ptr error) {
  if (conn_lost_ != 0 || loop_closed()) return;
  buffer_.clear();
  if (!closing_) {
    closing_ = true;
    remove_reader();
  }
  ++conn_lost_;
  loop().call_soon([self = shared_from_this(), error] { self->call_connection_lost(error); });
}

void AsioSocketTransport::call_connection_lost(std::exception_ptr error) {
  if (lost_called_) return;
  lost_called_ = true;
  conn_lost_ = std::max<std::size_t>(conn_lost_, 1);
  // The `finally` of _call_connection_lost: the socket closes and the server forgets us
  // even if the protocol throws.
  struct Finally {
    AsioSocketTransport& transport;
    ~Finally() {
      transport.buffer_.clear();
      transport.destroy_socket();
      auto protocol = std::move(transport.protocol_);
      if (auto server = std::move(transport.server_)) server->detach(&transport);
    }
  } finally{*this};
  if (protocol_) protocol_->connection_lost(std::move(error));
}

}  // namespace aiostreams::detail
